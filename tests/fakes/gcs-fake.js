'use strict';
// A fake of the Google Cloud Storage JSON API v1 (objects.get/list/insert/delete/rewrite, alt=media with Range,
// media/multipart/chunked resumable uploads (308 + Range), ifGenerationMatch preconditions and x-goog-hash checks,
// x-goog-hash, Google's JSON error shape) that the real Google.Cloud.Storage.V1 client runs against unmodified.
// Both path forms are served: /storage/v1/b/... and /b/... (STORAGE_EMULATOR_HOST given with or without the
// API root), plus /download/storage/v1/... for media. Not GCS: POST/DELETE /__faults, GET /__stats, POST /__reset.
const http = require('http');
const crypto = require('crypto');
const zlib = require('zlib');

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) { let c = i; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1; t[i] = c >>> 0; }
  return t;
})();
function crc32c(buf) {
  let c = 0xFFFFFFFF;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xFF] ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xFFFFFFFF) >>> 0);
  return out.toString('base64');
}

function start({ port = 0, host = '127.0.0.1', requireAuth = false } = {}) {
  const buckets = new Map(); // name -> Map(objectName -> object)
  const counts = new Map();
  let rules = [];
  let generation = 1_700_000_000_000_000;

  const bucket = name => { if (!buckets.has(name)) buckets.set(name, new Map()); return buckets.get(name); };
  function put(b, name, data, contentType) {
    const md5 = crypto.createHash('md5').update(data).digest('base64');
    const now = new Date().toISOString();
    const prev = bucket(b).get(name);
    const o = { name, bucket: b, data, contentType: contentType || 'application/octet-stream', generation: String(++generation),
      metageneration: '1', md5Hash: md5, crc32c: crc32c(data), timeCreated: prev ? prev.timeCreated : now, updated: now };
    bucket(b).set(name, o);
    return o;
  }
  function resource(o, base) {
    const enc = encodeURIComponent(o.name);
    return { kind: 'storage#object', id: `${o.bucket}/${o.name}/${o.generation}`, selfLink: `${base}/storage/v1/b/${o.bucket}/o/${enc}`,
      mediaLink: `${base}/download/storage/v1/b/${o.bucket}/o/${enc}?generation=${o.generation}&alt=media`, name: o.name, bucket: o.bucket,
      generation: o.generation, metageneration: o.metageneration, contentType: o.contentType, storageClass: 'STANDARD',
      size: String(o.data.length), md5Hash: o.md5Hash, crc32c: o.crc32c, etag: `C${o.generation}`, timeCreated: o.timeCreated, updated: o.updated };
  }
  function error(res, code, message, reason) {
    res.writeHead(code, { 'Content-Type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason }] } }));
  }
  function takeFault(path) {
    for (const r of rules) {
      if (r.times !== undefined && r.times <= 0) continue;
      if (!path.includes(r.match || '')) continue;
      if (r.times !== undefined) r.times--;
      return r;
    }
    return null;
  }
  // The .NET client gzips JSON request bodies (Content-Encoding: gzip), as GCS accepts.
  const readBody = req => new Promise(resolve => { const c = []; req.on('data', d => c.push(d)); req.on('end', () => {
    const b = Buffer.concat(c);
    resolve(/gzip/i.test(req.headers['content-encoding'] || '') ? zlib.gunzipSync(b) : b);
  }); });

  // A bad request must answer 400, never take the whole harness down.
  const server = http.createServer((req, res) => handle(req, res).catch(e => { try { error(res, 400, `Bad request: ${e.message}`, 'invalid'); } catch { res.destroy(); } }));
  const handle = async (req, res) => {
    const base = `http://${req.headers.host}`;
    const raw = req.url;
    const q = new URL(raw, 'http://x').searchParams;
    let path = raw.split('?')[0];
    if (path.startsWith('/__')) return control(req, res, path);
    counts.set(`${req.method} ${path}`, (counts.get(`${req.method} ${path}`) || 0) + 1);
    if (requireAuth && !/^Bearer /.test(req.headers.authorization || '')) return error(res, 401, 'Anonymous caller does not have storage.objects.get access.', 'required');
    const fault = takeFault(decodeURIComponent(raw)); // rules match the decoded path and query, e.g. 'a.bin?alt=media'
    if (fault && fault.kind === 'status') {
      const h = { 'Content-Type': 'application/json' };
      if (fault.retryAfter !== undefined) h['Retry-After'] = String(fault.retryAfter);
      res.writeHead(fault.status || 503, h);
      return res.end(JSON.stringify({ error: { code: fault.status || 503, message: 'injected', errors: [{ reason: 'backendError', domain: 'global', message: 'injected' }] } }));
    }
    const upload = path.startsWith('/upload/');
    path = path.replace(/^\/(upload\/|download\/)?/, '/').replace(/^\/storage\/v1\//, '/');
    let m;
    if ((m = /^\/b\/([^/]+)\/o$/.exec(path)) && req.method === 'POST' && upload) {
      const body = await readBody(req);
      const type = q.get('uploadType');
      if (type === 'media') {
        if (!precondition(res, m[1], q.get('name'), q)) return;
        return json(res, 200, resource(put(m[1], q.get('name'), body, req.headers['content-type']), base));
      }
      if (type === 'multipart') {
        const boundary = /boundary="?([^";]+)"?/.exec(req.headers['content-type'] || '')?.[1];
        const parts = body.toString('latin1').split(`--${boundary}`).slice(1, -1);
        const meta = JSON.parse(parts[0].split('\r\n\r\n').slice(1).join('\r\n\r\n').trim());
        const dataPart = parts[1].slice(parts[1].indexOf('\r\n\r\n') + 4, -2);
        if (!precondition(res, m[1], meta.name, q)) return;
        const bytes = Buffer.from(dataPart, 'latin1');
        if (meta.md5Hash && meta.md5Hash !== crypto.createHash('md5').update(bytes).digest('base64')) return error(res, 400, 'Provided MD5 hash does not match the calculated MD5 hash of the data.', 'invalid');
        if (meta.crc32c && meta.crc32c !== crc32c(bytes)) return error(res, 400, 'Provided CRC32C does not match the calculated CRC32C of the data.', 'invalid');
        return json(res, 200, resource(put(m[1], meta.name, bytes, meta.contentType), base));
      }
      if (type === 'resumable') {
        const meta = body.length ? JSON.parse(body.toString()) : {};
        const id = crypto.randomBytes(8).toString('hex');
        const name = meta.name || q.get('name');
        if (!name) return error(res, 400, 'Required parameter: name', 'required');
        if (!precondition(res, m[1], name, q)) return;
        sessions.set(id, { bucket: m[1], name, contentType: meta.contentType, chunks: [], received: 0, q });
        res.writeHead(200, { Location: `${base}/upload/storage/v1/b/${m[1]}/o?uploadType=resumable&upload_id=${id}`, 'Content-Length': '0' });
        return res.end();
      }
      return error(res, 400, `Unsupported uploadType ${type}`, 'invalid');
    }
    if (upload && req.method === 'PUT' && q.get('upload_id')) {
      const s = sessions.get(q.get('upload_id'));
      if (!s) return error(res, 404, 'No such upload session', 'notFound');
      const body = await readBody(req);
      return resumableChunk(req, res, q.get('upload_id'), s, body, base);
    }
    if ((m = /^\/b\/([^/]+)\/o$/.exec(path)) && req.method === 'GET') return list(res, m[1], q, base);
    if ((m = /^\/b\/([^/]+)\/o\/([^/]+)\/(rewriteTo|copyTo)\/b\/([^/]+)\/o\/([^/]+)$/.exec(path)) && req.method === 'POST') {
      const [sb, so, db, dn] = [m[1], decodeURIComponent(m[2]), m[4], decodeURIComponent(m[5])];
      const src = buckets.get(sb)?.get(so);
      if (!buckets.has(sb) || !buckets.has(db)) return error(res, 404, 'The specified bucket does not exist.', 'notFound');
      if (!src) return error(res, 404, `No such object: ${sb}/${so}`, 'notFound');
      if (q.get('ifSourceGenerationMatch') && q.get('ifSourceGenerationMatch') !== src.generation) return error(res, 412, 'Precondition Failed', 'conditionNotMet');
      if (!precondition(res, db, dn, q)) return;
      copies++;
      const o = put(db, dn, Buffer.from(src.data), src.contentType);
      if (m[3] === 'copyTo') return json(res, 200, resource(o, base));
      return json(res, 200, { kind: 'storage#rewriteResponse', totalBytesRewritten: String(o.data.length), objectSize: String(o.data.length), done: true, resource: resource(o, base) });
    }
    if ((m = /^\/b\/([^/]+)\/o\/([^/]+)$/.exec(path))) {
      const b = m[1], name = decodeURIComponent(m[2]);
      if (!buckets.has(b)) return error(res, 404, 'The specified bucket does not exist.', 'notFound');
      const o = buckets.get(b).get(name);
      if (req.method === 'DELETE') {
        if (!o) return error(res, 404, `No such object: ${b}/${name}`, 'notFound');
        if (q.get('ifGenerationMatch') && q.get('ifGenerationMatch') !== o.generation) return error(res, 412, 'Precondition Failed', 'conditionNotMet');
        buckets.get(b).delete(name); res.writeHead(204); return res.end();
      }
      if (!o) return error(res, 404, `No such object: ${b}/${name}`, 'notFound');
      if (q.get('generation') && q.get('generation') !== o.generation) return error(res, 404, `No such object: ${b}/${name}#${q.get('generation')}`, 'notFound');
      if (q.get('ifGenerationMatch') && q.get('ifGenerationMatch') !== o.generation) return error(res, 412, 'Precondition Failed', 'conditionNotMet');
      if (q.get('alt') !== 'media') return json(res, 200, resource(o, base));
      return media(req, res, o, fault);
    }
    if ((m = /^\/b\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      if (!buckets.has(m[1])) return error(res, 404, 'The specified bucket does not exist.', 'notFound');
      return json(res, 200, { kind: 'storage#bucket', id: m[1], name: m[1] });
    }
    if (path === '/b' && req.method === 'POST') { const meta = JSON.parse((await readBody(req)).toString() || '{}'); bucket(meta.name); return json(res, 200, { kind: 'storage#bucket', id: meta.name, name: meta.name }); }
    error(res, 400, `Unsupported request ${req.method} ${path}`, 'invalid');
  };
  const sessions = new Map();
  let copies = 0;

  // ifGenerationMatch on a write: 0 means "only if there is no live object", N "only if the live one is generation N".
  function precondition(res, b, name, q) {
    const want = q.get('ifGenerationMatch');
    if (want === null) return true;
    const o = buckets.get(b)?.get(name);
    if (want === '0' ? !o : o && o.generation === want) return true;
    error(res, 412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    return false;
  }

  // A chunk of a resumable upload (Content-Range "bytes a-b/total", "bytes a-b/*", or "bytes */total" to ask how
  // far it got). Intermediate chunks must be multiples of 256 KiB and start where the last ended; each is answered
  // 308 with the Range persisted so far. The final chunk's x-goog-hash (crc32c, md5) is checked: a mismatch is a
  // 400 and no object is created. Completing twice answers the object again, as GCS does.
  function resumableChunk(req, res, id, s, body, base) {
    if (s.done) return json(res, 200, resource(s.done, base));
    const cr = req.headers['content-range'] || '';
    let mm;
    const persisted = () => { const h = s.received ? { Range: `bytes=0-${s.received - 1}` } : {}; res.writeHead(308, { ...h, 'Content-Length': '0' }); res.end(); };
    if ((mm = /^bytes \*\/(\d+|\*)$/.exec(cr))) {
      if (mm[1] !== '*' && Number(mm[1]) === s.received) return finish();
      return persisted();
    }
    if (!cr) { s.chunks.push(body); s.received += body.length; return finish(); } // a single PUT with the whole body
    if (!(mm = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(cr))) return error(res, 400, `Invalid Content-Range: ${cr}`, 'invalid');
    const [from, to] = [Number(mm[1]), Number(mm[2])];
    if (to - from + 1 !== body.length) return error(res, 400, 'Content-Range does not match the body length', 'invalid');
    if (from !== s.received) {
      if (from < s.received && to < s.received) return persisted(); // a chunk sent again after a lost answer
      return error(res, 400, `Invalid request: the chunk starts at ${from} but ${s.received} bytes are persisted`, 'invalid');
    }
    const total = mm[3] === '*' ? null : Number(mm[3]);
    if ((total === null || to + 1 < total) && body.length % (256 * 1024) !== 0)
      return error(res, 400, 'Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it\'s recommended to be the exact multiple of 262144).', 'invalid');
    s.chunks.push(body); s.received += body.length;
    if (total === null || s.received < total) return persisted();
    return finish();

    function finish() {
      const data = Buffer.concat(s.chunks);
      const hash = req.headers['x-goog-hash'] || '';
      const crc = /crc32c=([^,]+)/.exec(hash)?.[1], md5 = /md5=([^,]+)/.exec(hash)?.[1];
      if (crc && crc !== crc32c(data)) { sessions.delete(id); return error(res, 400, 'Provided CRC32C "' + crc + '" doesn\'t match calculated CRC32C "' + crc32c(data) + '".', 'invalid'); }
      if (md5 && md5 !== crypto.createHash('md5').update(data).digest('base64')) { sessions.delete(id); return error(res, 400, 'Provided MD5 hash doesn\'t match calculated MD5 hash.', 'invalid'); }
      if (!precondition(res, s.bucket, s.name, s.q)) { sessions.delete(id); return; }
      s.done = put(s.bucket, s.name, data, s.contentType);
      return json(res, 200, resource(s.done, base));
    }
  }

  function json(res, code, o) { res.writeHead(code, { 'Content-Type': 'application/json; charset=UTF-8' }); res.end(JSON.stringify(o)); }

  function list(res, b, q, base) {
    if (!buckets.has(b)) return error(res, 404, 'The specified bucket does not exist.', 'notFound');
    const prefix = q.get('prefix') || '', delim = q.get('delimiter');
    const max = Math.min(Number(q.get('maxResults') || 1000), 1000);
    const names = [...buckets.get(b).keys()].filter(n => n.startsWith(prefix)).sort();
    const items = [], prefixes = new Set();
    for (const n of names) {
      if (delim) { const i = n.indexOf(delim, prefix.length); if (i >= 0) { prefixes.add(n.slice(0, i + delim.length)); continue; } }
      items.push(n);
    }
    const startAt = q.get('pageToken') ? Number(Buffer.from(q.get('pageToken'), 'base64').toString()) : 0;
    const page = items.slice(startAt, startAt + max);
    const out = { kind: 'storage#objects', items: page.map(n => resource(buckets.get(b).get(n), base)) };
    if (prefixes.size) out.prefixes = [...prefixes];
    if (startAt + max < items.length) out.nextPageToken = Buffer.from(String(startAt + max)).toString('base64');
    if (!out.items.length) delete out.items;
    json(res, 200, out);
  }

  function media(req, res, o, fault) {
    let data = o.data, status = 200;
    const headers = { 'Content-Type': o.contentType, ETag: `"C${o.generation}"`, 'x-goog-generation': o.generation,
      'x-goog-metageneration': o.metageneration, 'x-goog-stored-content-length': String(o.data.length), 'Accept-Ranges': 'bytes' };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
    if (range && req.headers.range) {
      let s = range[1] === '' ? Math.max(0, data.length - Number(range[2])) : Number(range[1]);
      let e = range[1] !== '' && range[2] !== '' ? Math.min(Number(range[2]), data.length - 1) : data.length - 1;
      if (s >= data.length || s > e) { res.writeHead(416, { 'Content-Range': `bytes */${data.length}` }); return res.end(); }
      status = 206; headers['Content-Range'] = `bytes ${s}-${e}/${data.length}`; data = data.subarray(s, e + 1);
    } else headers['x-goog-hash'] = `crc32c=${o.crc32c},md5=${o.md5Hash}`; // a partial body must not carry the whole object's hash
    headers['Content-Length'] = String(data.length);
    if (fault && fault.kind === 'corrupt') { data = Buffer.from(data); for (let i = 0; i < data.length; i += 997) data[i] ^= 0xFF; }
    res.writeHead(status, headers);
    if (fault && (fault.kind === 'reset' || fault.kind === 'truncate')) {
      const n = Math.min(fault.afterBytes ?? Math.floor(data.length / 2), data.length);
      return res.write(data.subarray(0, n), () => fault.kind === 'reset' ? res.socket.destroy() : res.socket.end());
    }
    res.end(data);
  }

  function control(req, res, path) {
    if (path === '/__stats') return json(res, 200, { requests: Object.fromEntries(counts), copies, openUploads: sessions.size });
    if (path === '/__reset') { counts.clear(); rules = []; return json(res, 200, { ok: true }); }
    if (path === '/__faults') {
      if (req.method === 'DELETE') { rules = []; return json(res, 200, { ok: true }); }
      return readBody(req).then(b => { try { const r = JSON.parse(b.toString() || '[]'); rules = Array.isArray(r) ? r : [r]; json(res, 200, { ok: true }); } catch (e) { json(res, 400, { error: e.message }); } });
    }
    json(res, 404, { error: 'unknown control endpoint' });
  }

  return new Promise(resolve => server.listen(port, host, () => {
    const p = server.address().port;
    resolve({ url: `http://${host}:${p}`, port: p, store: buckets, close: () => new Promise(r => { server.closeAllConnections?.(); server.close(() => r()); }) });
  }));
}

module.exports = { start, crc32c };

if (require.main === module) {
  const arg = n => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : undefined; };
  start({ port: Number(arg('--port') || 0) }).then(s => console.log(`READY ${s.url}`));
}
