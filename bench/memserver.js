'use strict';
// A cheap S3 server for the benchmark: objects live in memory and a request costs a few tens of microseconds of
// CPU (s3rver spends about 1.5 ms per request, as much as the clients it serves, so it measured itself).
// node's raw http module, no framework, no authentication (signatures and presigned query strings are ignored).
//   node memserver.js [--port 0] [--max-seconds 1800]
// Prints one JSON line {"port":N,"pid":N} once listening on 127.0.0.1. Dies with its parent (polled once a
// second) and after --max-seconds whatever happens.
// Serves, path-style (/bucket/key):
//   PUT /bucket, PUT /bucket/key (the body is the object; seeding), DELETE /bucket/key
//   HEAD /bucket, GET /bucket?location
//   GET /bucket?list-type=2 (ListObjectsV2: prefix, delimiter, max-keys, continuation-token, start-after,
//     encoding-type=url), GET /bucket (ListObjects V1: prefix, delimiter, max-keys, marker)
//   GET/HEAD /bucket/key with Range (bytes=a-b, a-, -n; 206 and Content-Range; 416 past the end), ETag,
//     Content-Length, Last-Modified, If-None-Match / If-Match
//   GET / (ListBuckets); GET /__stats (counters: requests by method, listings, TCP connections accepted)
const http = require('http');
const crypto = require('crypto');

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const maxSeconds = Number(arg('--max-seconds', 1800));
const buckets = new Map(); // name -> { created, objects: Map(key -> obj), sorted: string[] | null }

setTimeout(() => { console.error('memserver: time limit reached'); process.exit(3); }, maxSeconds * 1000).unref();
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(4); }, 1000).unref();

const xmlEscape = s => s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);
const encodeKey = s => encodeURIComponent(s).replace(/%2F/g, '/');

function bucket(name, create) {
  let b = buckets.get(name);
  if (!b && create) { b = { created: new Date(), objects: new Map(), sorted: null }; buckets.set(name, b); }
  return b;
}

function sortedKeys(b) {
  if (!b.sorted) b.sorted = Array.from(b.objects.keys()).sort((a, c) => (a < c ? -1 : a > c ? 1 : 0));
  return b.sorted;
}

// First index in sorted keys greater than key (binary search).
function after(keys, key) {
  let lo = 0, hi = keys.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (keys[m] <= key) lo = m + 1; else hi = m; }
  return lo;
}
function atOrAfter(keys, key) {
  let lo = 0, hi = keys.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (keys[m] < key) lo = m + 1; else hi = m; }
  return lo;
}

function send(res, status, body, headers) {
  const h = Object.assign({ 'x-amz-request-id': 'mem', 'content-length': body ? Buffer.byteLength(body) : 0 }, headers);
  res.writeHead(status, h);
  res.end(body);
}

function error(res, status, code, message, head) {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`;
  send(res, status, head ? null : body, { 'content-type': 'application/xml' });
}

// The least string greater than every string that starts with p.
const past = p => p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);

// One page of a listing: { contents: [key], prefixes: [prefix], truncated, next (last key or prefix returned) }.
function list(b, prefix, delimiter, startAfter, maxKeys) {
  const keys = sortedKeys(b);
  let i = startAfter ? after(keys, startAfter) : 0;
  // A page that ended on a common prefix goes on after every key under it.
  if (delimiter && startAfter.endsWith(delimiter)) i = Math.max(i, atOrAfter(keys, past(startAfter)));
  if (prefix && (!startAfter || startAfter < prefix)) i = Math.max(i, atOrAfter(keys, prefix));
  const contents = [], prefixes = [];
  let next = null, truncated = false;
  while (i < keys.length) {
    const k = keys[i];
    if (prefix && !k.startsWith(prefix)) break;
    if (contents.length + prefixes.length >= maxKeys) { truncated = true; break; }
    const d = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    if (d >= 0) {
      const p = k.slice(0, d + delimiter.length);
      prefixes.push(p);
      next = p;
      // Skip every key under this common prefix.
      i = atOrAfter(keys, past(p));
      continue;
    }
    contents.push(k);
    next = k;
    i++;
  }
  return { contents, prefixes, truncated, next };
}

function listXml(b, name, q, v2) {
  const prefix = q.get('prefix') || '';
  const delimiter = q.get('delimiter') || '';
  const maxKeys = Math.min(Math.max(Number(q.get('max-keys') ?? 1000), 0), 1000);
  const url = q.get('encoding-type') === 'url';
  const enc = s => xmlEscape(url ? encodeKey(s) : s);
  let start = '';
  if (v2) {
    const token = q.get('continuation-token');
    start = token ? Buffer.from(token, 'base64').toString('utf8') : (q.get('start-after') || '');
  } else start = q.get('marker') || '';
  const page = list(b, prefix, delimiter, start, maxKeys);
  const parts = ['<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>${xmlEscape(name)}</Name><Prefix>${enc(prefix)}</Prefix>`];
  if (v2) {
    parts.push(`<KeyCount>${page.contents.length + page.prefixes.length}</KeyCount>`);
    if (q.has('continuation-token')) parts.push(`<ContinuationToken>${xmlEscape(q.get('continuation-token'))}</ContinuationToken>`);
    if (q.has('start-after')) parts.push(`<StartAfter>${enc(q.get('start-after'))}</StartAfter>`);
    if (page.truncated) parts.push(`<NextContinuationToken>${Buffer.from(page.next, 'utf8').toString('base64')}</NextContinuationToken>`);
  } else {
    parts.push(`<Marker>${enc(start)}</Marker>`);
    if (page.truncated && delimiter) parts.push(`<NextMarker>${enc(page.next)}</NextMarker>`);
  }
  parts.push(`<MaxKeys>${maxKeys}</MaxKeys>`);
  if (delimiter) parts.push(`<Delimiter>${enc(delimiter)}</Delimiter>`);
  if (url) parts.push('<EncodingType>url</EncodingType>');
  parts.push(`<IsTruncated>${page.truncated}</IsTruncated>`);
  for (const k of page.contents) {
    const o = b.objects.get(k);
    parts.push(`<Contents><Key>${enc(k)}</Key><LastModified>${o.modified.toISOString()}</LastModified><ETag>&quot;${o.etag}&quot;</ETag>` +
      `<Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
  }
  for (const p of page.prefixes) parts.push(`<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`);
  parts.push('</ListBucketResult>');
  return parts.join('');
}

function object(req, res, b, key) {
  const head = req.method === 'HEAD';
  const o = b.objects.get(key);
  if (!o) return error(res, 404, 'NoSuchKey', `no object ${key}`, head);
  const etag = `"${o.etag}"`;
  const inm = req.headers['if-none-match'];
  if (inm && (inm === etag || inm === '*')) return send(res, 304, null, { etag });
  const im = req.headers['if-match'];
  if (im && im !== etag && im !== '*') return error(res, 412, 'PreconditionFailed', 'If-Match', head);
  const size = o.body.length;
  const headers = { etag, 'last-modified': o.modifiedText, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
  const range = req.headers.range;
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range);
    if (m && (m[1] || m[2])) {
      let start, end;
      if (!m[1]) { start = Math.max(size - Number(m[2]), 0); end = size - 1; }
      else { start = Number(m[1]); end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1; }
      if (start >= size || end < start) {
        res.setHeader('content-range', `bytes */${size}`);
        return error(res, 416, 'InvalidRange', 'The requested range is not satisfiable', head);
      }
      headers['content-range'] = `bytes ${start}-${end}/${size}`;
      headers['content-length'] = end - start + 1;
      res.writeHead(206, headers);
      return res.end(head ? null : o.body.subarray(start, end + 1));
    }
  }
  headers['content-length'] = size;
  res.writeHead(200, headers);
  res.end(head ? null : o.body);
}

function handle(req, res, body) {
  const q = req.url.indexOf('?');
  const pathPart = q < 0 ? req.url : req.url.slice(0, q);
  const slash = pathPart.indexOf('/', 1);
  const name = decodeURIComponent(slash < 0 ? pathPart.slice(1) : pathPart.slice(1, slash));
  const key = slash < 0 ? '' : decodeURIComponent(pathPart.slice(slash + 1));
  const head = req.method === 'HEAD';
  if (!name) {
    if (req.method !== 'GET') return error(res, 405, 'MethodNotAllowed', req.method);
    const list = Array.from(buckets.entries()).map(([n, b]) => `<Bucket><Name>${xmlEscape(n)}</Name><CreationDate>${b.created.toISOString()}</CreationDate></Bucket>`);
    return send(res, 200, `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>mem</ID></Owner><Buckets>${list.join('')}</Buckets></ListAllMyBucketsResult>`, { 'content-type': 'application/xml' });
  }
  if (!key) {
    const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1)); // object requests skip it (presigned GETs carry long ones)
    if (req.method === 'PUT') { bucket(name, true); return send(res, 200, null, { location: `/${name}` }); }
    const b = bucket(name, false);
    if (!b) return error(res, 404, 'NoSuchBucket', `no bucket ${name}`, head);
    if (head) return send(res, 200, null, { 'x-amz-bucket-region': 'us-east-1' });
    if (req.method !== 'GET') return error(res, 405, 'MethodNotAllowed', req.method);
    if (query.has('location')) return send(res, 200, '<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>', { 'content-type': 'application/xml' });
    return send(res, 200, listXml(b, name, query, query.get('list-type') === '2'), { 'content-type': 'application/xml' });
  }
  if (req.method === 'PUT') {
    const b = bucket(name, true);
    const md5 = crypto.createHash('md5').update(body).digest('hex');
    const now = new Date();
    if (!b.objects.has(key)) b.sorted = null;
    b.objects.set(key, { body, etag: md5, modified: now, modifiedText: now.toUTCString() });
    return send(res, 200, null, { etag: `"${md5}"` });
  }
  const b = bucket(name, false);
  if (!b) return error(res, 404, 'NoSuchBucket', `no bucket ${name}`, head);
  if (req.method === 'DELETE') { if (b.objects.delete(key)) b.sorted = null; return send(res, 204, null); }
  if (req.method === 'GET' || head) return object(req, res, b, key);
  return error(res, 405, 'MethodNotAllowed', req.method);
}

// Counters for the bench (GET /__stats): requests by method and TCP connections accepted.
const stats = { connections: 0, requests: 0, GET: 0, HEAD: 0, PUT: 0, other: 0, lists: 0 };
const server = http.createServer((req, res) => {
  stats.requests++;
  if (req.method in stats) stats[req.method]++; else stats.other++;
  if (req.url === '/__stats') { req.resume(); return send(res, 200, JSON.stringify(stats), { 'content-type': 'application/json' }); }
  if (req.method === 'GET' && /^\/[^/?]+\/?(\?|$)/.test(req.url)) stats.lists++;
  if (req.method !== 'PUT') { req.resume(); return handle(req, res, null); }
  const chunks = [];
  let n = 0;
  req.on('data', c => { chunks.push(c); n += c.length; });
  req.on('end', () => handle(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, n)));
});
server.on('connection', () => { stats.connections++; });
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;
server.listen(Number(arg('--port', 0)), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, pid: process.pid }));
});
