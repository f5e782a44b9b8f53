'use strict';
// A cheap S3 server for the benchmark: objects live in memory and a request costs a few tens of microseconds of
// CPU (s3rver spends about 1.5 ms per request, as much as the clients it serves, so it measured itself).
// node's raw http module, no framework, no authentication (signatures and presigned query strings are ignored).
//   node memserver.js [--port 0] [--max-seconds 1800]
// Prints one JSON line {"port":N,"pid":N} once listening on 127.0.0.1. Dies with its parent (polled once a
// second) and after --max-seconds whatever happens.
// Serves, path-style (/bucket/key):
//   PUT /bucket, PUT /bucket/key (PutObject: Content-MD5 checked, ETag = MD5 hex; aws-chunked / STREAMING-*
//     bodies decoded), DELETE /bucket/key, POST /bucket?delete (DeleteObjects)
//   CopyObject (PUT with x-amz-copy-source, x-amz-copy-source-if-match; the copy shares the source's buffers)
//   multipart: POST ?uploads, PUT ?partNumber&uploadId (UploadPart; UploadPartCopy with x-amz-copy-source and
//     x-amz-copy-source-range), POST ?uploadId (Complete: ETag = MD5 of the part MD5s + "-N"), DELETE ?uploadId
//     (Abort), GET /bucket?uploads (ListMultipartUploads), GET /bucket/key?uploadId (ListParts). An object is kept as
//     its parts' buffers, never concatenated (a 2 GB object is 256 buffers of 8 MB).
//   HEAD /bucket, GET /bucket?location
//   GET /bucket?list-type=2 (ListObjectsV2: prefix, delimiter, max-keys, continuation-token, start-after,
//     encoding-type=url), GET /bucket (ListObjects V1: prefix, delimiter, max-keys, marker)
//   GET/HEAD /bucket/key with Range (bytes=a-b, a-, -n; 206 and Content-Range; 416 past the end), ETag,
//     Content-Length, Last-Modified, If-None-Match / If-Match
//   GET / (ListBuckets); GET /__stats (counters: requests by method and by operation, listings, bytes received in
//     request bodies and sent in object bodies, TCP connections accepted)
//   POST /__mark: starts a timeline; GET /__stats then also gives sinceMark {requests, firstRequestMs,
//     lastResponseMs}: when the first request after the mark arrived and when the last response so far finished, in
//     ms after the mark (the bench splits a tool's wall time into start-up, transfer and exit with it)
//   GET /__verify?bucket=B&prefix=P: {"key":[size,"md5 of the stored bytes"],...} for every object under P (bench
//     checks, outside the timed runs); DELETE /__prefix?bucket=B&prefix=P drops them (memory between runs)
const http = require('http');
const crypto = require('crypto');
const { Readable } = require('stream');

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
      `<Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
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
  const size = o.size;
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
      return head ? res.end() : sendChunks(res, slice(o.chunks, start, end + 1));
    }
  }
  headers['content-length'] = size;
  res.writeHead(200, headers);
  return head ? res.end() : sendChunks(res, o.chunks);
}

// Bytes start..end (end exclusive) of an object kept as buffers: views, no copy.
function slice(chunks, start, end) {
  const out = [];
  let at = 0;
  for (const c of chunks) {
    const from = Math.max(start - at, 0), to = Math.min(end - at, c.length);
    if (from < to) out.push(from === 0 && to === c.length ? c : c.subarray(from, to));
    at += c.length;
    if (at >= end) break;
  }
  return out;
}

function sendChunks(res, chunks) {
  for (const c of chunks) stats.bytesOut += c.length;
  if (chunks.length <= 1) return res.end(chunks[0]);
  Readable.from(chunks, { objectMode: false }).pipe(res); // with back-pressure: a 2 GB GET is not queued at once
}

const md5Of = chunks => { const h = crypto.createHash('md5'); for (const c of chunks) h.update(c); return h.digest(); };
const total = chunks => chunks.reduce((n, c) => n + c.length, 0);

// aws-chunked (x-amz-content-sha256: STREAMING-..., Content-Encoding: aws-chunked): "<hex size>[;chunk-signature=..]
// CRLF data CRLF" repeated, a 0-size chunk, then optional trailers (x-amz-checksum-*: ...) and a blank line.
function decodeAwsChunked(buf) {
  const out = [];
  let i = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) throw new Error('aws-chunked: no chunk header');
    const size = parseInt(buf.toString('latin1', i, eol).split(';')[0], 16);
    if (!(size >= 0)) throw new Error('aws-chunked: bad chunk size');
    i = eol + 2;
    if (size === 0) break;
    if (i + size > buf.length) throw new Error('aws-chunked: truncated chunk');
    out.push(buf.subarray(i, i + size));
    i += size + 2;
  }
  return out;
}

// The body of a PUT as the object's bytes: decoded when aws-chunked, checked against Content-MD5 and
// x-amz-decoded-content-length. Returns { chunks, md5 } or throws { status, code, message }.
function objectBody(req, raw) {
  const sha = req.headers['x-amz-content-sha256'] || '';
  let chunks = raw;
  if (sha.startsWith('STREAMING-') || /aws-chunked/.test(req.headers['content-encoding'] || '')) {
    try { chunks = decodeAwsChunked(raw.length === 1 ? raw[0] : Buffer.concat(raw)); } catch (e) { throw { status: 400, code: 'IncompleteBody', message: e.message }; }
    stats.awsChunked++;
    const decoded = req.headers['x-amz-decoded-content-length'];
    if (decoded !== undefined && Number(decoded) !== total(chunks)) throw { status: 400, code: 'IncompleteBody', message: `decoded ${total(chunks)} bytes, x-amz-decoded-content-length ${decoded}` };
  }
  const md5 = md5Of(chunks);
  const sent = req.headers['content-md5'];
  if (sent !== undefined) {
    stats.contentMd5++;
    if (sent !== md5.toString('base64')) throw { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' };
  }
  return { chunks, md5 };
}

// x-amz-copy-source: "/bucket/key" or "bucket/key", URL-encoded, maybe "?versionId=".
function copySource(req, res, head) {
  let s = req.headers['x-amz-copy-source'];
  const q = s.indexOf('?');
  if (q >= 0) s = s.slice(0, q);
  s = decodeURIComponent(s).replace(/^\//, '');
  const slash = s.indexOf('/');
  const b = buckets.get(s.slice(0, slash));
  const o = b && b.objects.get(s.slice(slash + 1));
  if (!o) { error(res, 404, 'NoSuchKey', `no copy source ${s}`, head); return null; }
  const im = req.headers['x-amz-copy-source-if-match'];
  if (im && im.replace(/"/g, '') !== o.etag) { error(res, 412, 'PreconditionFailed', 'x-amz-copy-source-if-match', head); return null; }
  return o;
}

function store(b, key, chunks, etag) {
  const now = new Date();
  if (!b.objects.has(key)) b.sorted = null;
  const o = { chunks, size: total(chunks), etag, modified: now, modifiedText: now.toUTCString() };
  b.objects.set(key, o);
  return o;
}

const uploads = new Map(); // uploadId -> { bucket, key, initiated, parts: Map(number -> { chunks, md5 (Buffer), etag }) }
let uploadSerial = 0;
const xmlTags = (xml, tag) => Array.from(xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g')), m => m[1]);
const xmlUnescape = s => s.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-f]+));/gi, (m, n, d, x) =>
  d ? String.fromCodePoint(Number(d)) : x ? String.fromCodePoint(parseInt(x, 16)) : { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[n]);
const xml = body => `<?xml version="1.0" encoding="UTF-8"?>${body}`;
const sendXml = (res, body, headers) => send(res, 200, xml(body), Object.assign({ 'content-type': 'application/xml' }, headers));

// Object requests that carry a query: multipart uploads.
function multipart(req, res, b, name, key, query, raw) {
  const id = query.get('uploadId');
  if (req.method === 'POST' && query.has('uploads')) {
    const uid = `u${++uploadSerial}-${crypto.randomBytes(6).toString('hex')}`;
    uploads.set(uid, { bucket: name, key, initiated: new Date(), parts: new Map() });
    stats.createMultipart++;
    return sendXml(res, `<InitiateMultipartUploadResult><Bucket>${xmlEscape(name)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uid}</UploadId></InitiateMultipartUploadResult>`);
  }
  const u = uploads.get(id);
  if (!u || u.bucket !== name || u.key !== key) return error(res, 404, 'NoSuchUpload', `no upload ${id}`, req.method === 'HEAD');
  if (req.method === 'PUT') {
    const number = Number(query.get('partNumber'));
    if (!(number >= 1 && number <= 10000)) return error(res, 400, 'InvalidArgument', 'partNumber');
    if (req.headers['x-amz-copy-source']) {
      const o = copySource(req, res, false);
      if (!o) return;
      let start = 0, end = o.size;
      const r = /^bytes=(\d+)-(\d+)$/.exec(req.headers['x-amz-copy-source-range'] || '');
      if (r) { start = Number(r[1]); end = Number(r[2]) + 1; }
      if (end > o.size || start >= end) return error(res, 416, 'InvalidRange', 'x-amz-copy-source-range');
      const chunks = slice(o.chunks, start, end);
      const md5 = md5Of(chunks);
      u.parts.set(number, { chunks, md5, etag: md5.toString('hex') });
      stats.uploadPartCopy++;
      return sendXml(res, `<CopyPartResult><LastModified>${new Date().toISOString()}</LastModified><ETag>&quot;${md5.toString('hex')}&quot;</ETag></CopyPartResult>`);
    }
    const { chunks, md5 } = objectBody(req, raw);
    u.parts.set(number, { chunks, md5, etag: md5.toString('hex') });
    stats.uploadPart++;
    return send(res, 200, null, { etag: `"${md5.toString('hex')}"` });
  }
  if (req.method === 'POST') {
    const text = Buffer.concat(raw).toString('utf8');
    const numbers = xmlTags(text, 'PartNumber').map(Number);
    const etags = xmlTags(text, 'ETag').map(e => xmlUnescape(e).replace(/"/g, ''));
    if (!numbers.length || numbers.length !== etags.length) return error(res, 400, 'MalformedXML', 'no parts');
    const chunks = [], md5s = [];
    for (let i = 0; i < numbers.length; i++) {
      const p = u.parts.get(numbers[i]);
      if (!p || p.etag !== etags[i]) return error(res, 400, 'InvalidPart', `part ${numbers[i]}`);
      if (i > 0 && numbers[i] <= numbers[i - 1]) return error(res, 400, 'InvalidPartOrder', `part ${numbers[i]}`);
      chunks.push(...p.chunks);
      md5s.push(p.md5);
    }
    const etag = `${md5Of(md5s).toString('hex')}-${numbers.length}`;
    store(bucket(name, true), key, chunks, etag);
    uploads.delete(id);
    stats.completeMultipart++;
    return sendXml(res, `<CompleteMultipartUploadResult><Location>/${xmlEscape(name)}/${xmlEscape(key)}</Location><Bucket>${xmlEscape(name)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>&quot;${etag}&quot;</ETag></CompleteMultipartUploadResult>`);
  }
  if (req.method === 'DELETE') { uploads.delete(id); stats.abortMultipart++; return send(res, 204, null); }
  if (req.method === 'GET') {
    const parts = Array.from(u.parts.entries()).sort((x, y) => x[0] - y[0]).map(([n, p]) =>
      `<Part><PartNumber>${n}</PartNumber><ETag>&quot;${p.etag}&quot;</ETag><Size>${total(p.chunks)}</Size></Part>`);
    return sendXml(res, `<ListPartsResult><Bucket>${xmlEscape(name)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`);
  }
  return error(res, 405, 'MethodNotAllowed', req.method);
}

function listUploads(res, name, query) {
  const prefix = query.get('prefix') || '';
  const list = Array.from(uploads.entries()).filter(([, u]) => u.bucket === name && u.key.startsWith(prefix))
    .sort((x, y) => (x[1].key < y[1].key ? -1 : x[1].key > y[1].key ? 1 : 0))
    .map(([id, u]) => `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`);
  return sendXml(res, `<ListMultipartUploadsResult><Bucket>${xmlEscape(name)}</Bucket><Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${list.join('')}</ListMultipartUploadsResult>`);
}

function deleteObjects(res, b, raw) {
  const text = Buffer.concat(raw).toString('utf8');
  const keys = xmlTags(text, 'Key').map(xmlUnescape);
  const quiet = /<Quiet>true<\/Quiet>/.test(text);
  for (const k of keys) if (b.objects.delete(k)) b.sorted = null;
  stats.deleteObjects++;
  return sendXml(res, `<DeleteResult>${quiet ? '' : keys.map(k => `<Deleted><Key>${xmlEscape(k)}</Key></Deleted>`).join('')}</DeleteResult>`);
}

// Bench helpers, outside the timed runs: what is stored under a prefix (size and MD5 of the bytes), and dropping it.
function admin(req, res) {
  const u = new URL(req.url, 'http://x');
  const b = buckets.get(u.searchParams.get('bucket'));
  const prefix = u.searchParams.get('prefix') || '';
  const keys = b ? sortedKeys(b).filter(k => k.startsWith(prefix)) : [];
  if (u.pathname === '/__verify') {
    const out = {};
    for (const k of keys) { const o = b.objects.get(k); out[k] = [o.size, md5Of(o.chunks).toString('hex'), o.etag]; }
    return send(res, 200, JSON.stringify(out), { 'content-type': 'application/json' });
  }
  if (req.method === 'DELETE') {
    for (const k of keys) b.objects.delete(k);
    if (keys.length) b.sorted = null;
    for (const [id, up] of uploads) if (up.bucket === (b && u.searchParams.get('bucket')) && up.key.startsWith(prefix)) uploads.delete(id);
    return send(res, 200, JSON.stringify({ deleted: keys.length }), { 'content-type': 'application/json' });
  }
  return error(res, 404, 'NoSuchKey', u.pathname);
}

function handle(req, res, raw) {
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
    if (req.method === 'POST' && query.has('delete')) return deleteObjects(res, b, raw);
    if (req.method !== 'GET') return error(res, 405, 'MethodNotAllowed', req.method);
    if (query.has('location')) return send(res, 200, '<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>', { 'content-type': 'application/xml' });
    if (query.has('uploads')) return listUploads(res, name, query);
    stats.lists++;
    return send(res, 200, listXml(b, name, query, query.get('list-type') === '2'), { 'content-type': 'application/xml' });
  }
  // Multipart requests carry uploads / uploadId in the query; a presigned GET's long query is not parsed.
  if (q >= 0 && req.method !== 'GET' && req.method !== 'HEAD' || q >= 0 && /[?&]uploadId=/.test(req.url)) {
    const query = new URLSearchParams(req.url.slice(q + 1));
    if (query.has('uploads') || query.has('uploadId')) {
      const b = bucket(name, false);
      if (!b) return error(res, 404, 'NoSuchBucket', `no bucket ${name}`, head);
      return multipart(req, res, b, name, key, query, raw);
    }
  }
  if (req.method === 'PUT') {
    const b = bucket(name, true); // a PUT creates its bucket (seeding)
    if (req.headers['x-amz-copy-source']) {
      const o = copySource(req, res, false);
      if (!o) return;
      // The copy shares the source's buffers (objects are never changed in place): no bytes are copied.
      const c = store(b, key, o.chunks, o.etag);
      stats.copyObject++;
      return sendXml(res, `<CopyObjectResult><LastModified>${c.modified.toISOString()}</LastModified><ETag>&quot;${c.etag}&quot;</ETag></CopyObjectResult>`);
    }
    const { chunks, md5 } = objectBody(req, raw);
    const etag = md5.toString('hex');
    store(b, key, chunks, etag);
    stats.putObject++;
    return send(res, 200, null, { etag: `"${etag}"` });
  }
  const b = bucket(name, false);
  if (!b) return error(res, 404, 'NoSuchBucket', `no bucket ${name}`, head);
  if (req.method === 'DELETE') { if (b.objects.delete(key)) b.sorted = null; return send(res, 204, null); }
  if (req.method === 'GET' || head) return object(req, res, b, key);
  return error(res, 405, 'MethodNotAllowed', req.method);
}

// Counters for the bench (GET /__stats): requests by method and by operation, TCP connections accepted, body bytes.
const stats = { connections: 0, requests: 0, GET: 0, HEAD: 0, PUT: 0, POST: 0, DELETE: 0, other: 0, lists: 0,
  putObject: 0, copyObject: 0, createMultipart: 0, uploadPart: 0, uploadPartCopy: 0, completeMultipart: 0, abortMultipart: 0,
  deleteObjects: 0, awsChunked: 0, contentMd5: 0, bytesIn: 0, bytesOut: 0 };
// The timeline since the last POST /__mark, in ms after it (process.hrtime: monotonic).
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
let mark = nowMs();
stats.sinceMark = { requests: 0, firstRequestMs: null, lastResponseMs: null };
const server = http.createServer((req, res) => {
  if (req.url === '/__mark' && req.method === 'POST') {
    req.resume(); mark = nowMs(); stats.sinceMark = { requests: 0, firstRequestMs: null, lastResponseMs: null };
    return send(res, 200, '{}', { 'content-type': 'application/json' });
  }
  if (req.url === '/__stats') { req.resume(); return send(res, 200, JSON.stringify(stats), { 'content-type': 'application/json' }); }
  if (req.url.startsWith('/__')) { req.resume(); return admin(req, res); }
  stats.requests++;
  const timeline = stats.sinceMark;
  if (timeline.requests++ === 0) timeline.firstRequestMs = nowMs() - mark;
  res.on('finish', () => { if (timeline === stats.sinceMark) timeline.lastResponseMs = nowMs() - mark; });
  if (req.method in stats) stats[req.method]++; else stats.other++;
  if (req.method !== 'PUT' && req.method !== 'POST') { req.resume(); return handle(req, res, null); }
  // The body stays as the buffers it arrived in (a part of 8 MB is never concatenated).
  const chunks = [];
  req.on('data', c => { chunks.push(c); stats.bytesIn += c.length; });
  req.on('end', () => {
    try { handle(req, res, chunks); }
    catch (e) { if (e && e.status) error(res, e.status, e.code, e.message); else { console.error(e); error(res, 500, 'InternalError', String(e)); } }
  });
});
server.on('connection', () => { stats.connections++; });
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;
server.listen(Number(arg('--port', 0)), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, pid: process.pid }));
});
