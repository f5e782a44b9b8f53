'use strict';
// Static HTTP/1.1 test server: GET/HEAD, single byte ranges, strong ETags, If-None-Match/If-Range/If-Match,
// If-Modified-Since/If-Unmodified-Since, per-path request counters (GET /__stats, POST /__reset) and fault rules
// (POST/DELETE /__faults). Files under a folder named "no-etag" are served with Last-Modified and no ETag, as
// servers without ETags serve them.
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { Faults, sendWithFault } = require('./faults');

function start({ port = 0, host = '127.0.0.1', root }) {
  fs.mkdirSync(root, { recursive: true });
  const faults = new Faults();
  const counts = new Map();
  let bytes = 0;
  const ranges = new Map(); // path -> the Range headers asked for it (the first 100), to check resumes
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/__')) return control(req, res, url);
    let rel;
    try { rel = decodeURIComponent(url.pathname); } catch { res.writeHead(400); return res.end('bad path\n'); }
    const full = path.resolve(root, '.' + rel);
    if (!full.startsWith(path.resolve(root) + path.sep)) { res.writeHead(403); return res.end('outside root\n'); }
    counts.set(url.pathname, (counts.get(url.pathname) || 0) + 1);
    if (req.headers.range) { const l = ranges.get(url.pathname) || []; if (l.length < 100) l.push(req.headers.range); ranges.set(url.pathname, l); }
    let st;
    try { st = fs.statSync(full); } catch { st = null; }
    const rule = faults.take(url.pathname, req.method);
    if (!st || !st.isFile()) {
      if (rule && rule.kind === 'status') return sendWithFault(res, rule);
      res.writeHead(404, { 'Content-Type': 'text/plain' }); return res.end('not found\n');
    }
    const etag = '"' + crypto.createHash('sha1').update(`${st.size}-${st.mtimeMs}-${st.ino}`).digest('hex').slice(0, 20) + '"';
    const noEtag = rel.split('/').includes('no-etag');
    const headers = { ETag: etag, 'Last-Modified': st.mtime.toUTCString(), 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    if (noEtag) delete headers.ETag;
    const mtimeS = Math.floor(st.mtimeMs / 1000); // HTTP dates have whole seconds
    const dateS = h => { const t = Date.parse(h); return Number.isNaN(t) ? null : Math.floor(t / 1000); };
    const inm = req.headers['if-none-match'];
    if (!noEtag && inm && (inm.trim() === '*' || inm.split(',').map(s => s.trim().replace(/^W\//, '')).includes(etag))) { res.writeHead(304, headers); return res.end(); }
    const ims = !inm && req.headers['if-modified-since'] ? dateS(req.headers['if-modified-since']) : null;
    if (ims !== null && mtimeS <= ims) { res.writeHead(304, headers); return res.end(); }
    if (req.headers['if-match'] && (noEtag || (req.headers['if-match'] !== etag && req.headers['if-match'] !== '*'))) { res.writeHead(412); return res.end(); }
    const ius = req.headers['if-unmodified-since'] ? dateS(req.headers['if-unmodified-since']) : null;
    if (ius !== null && mtimeS > ius) { res.writeHead(412); return res.end(); }
    let start = 0, end = st.size - 1, status = 200;
    const range = req.headers.range;
    const ifRange = req.headers['if-range'];
    const ifRangeHolds = !ifRange || (/^(W\/)?"/.test(ifRange) ? !noEtag && ifRange === etag : dateS(ifRange) === mtimeS);
    // One range; multiple or malformed ranges are ignored (full 200, as RFC 9110 allows).
    const m = range && ifRangeHolds ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
    if (m && (m[1] !== '' || m[2] !== '')) {
      if (m[1] === '') { start = Math.max(0, st.size - Number(m[2])); } else { start = Number(m[1]); if (m[2] !== '') end = Math.min(Number(m[2]), st.size - 1); }
      if (start >= st.size || start > end || (m[1] === '' && Number(m[2]) === 0)) { res.writeHead(416, { 'Content-Range': `bytes */${st.size}` }); return res.end(); }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
    }
    headers['Content-Length'] = String(end - start + 1);
    if (req.method === 'HEAD') return sendWithFault(res, rule, status, headers, null);
    if (req.method !== 'GET') { res.writeHead(405); return res.end(); }
    if (rule && rule.kind === 'status') return sendWithFault(res, rule);
    bytes += end - start + 1;
    if (!rule || rule.kind === 'wrong-etag') {
      // No body fault: stream from disk, so large files do not sit in memory.
      if (rule) headers.ETag = '"injected-' + Date.now() + '"';
      res.writeHead(status, headers);
      if (end < start) return res.end();
      const rs = fs.createReadStream(full, { start, end });
      rs.on('error', () => res.destroy());
      return rs.pipe(res);
    }
    const fd = fs.openSync(full, 'r');
    const body = Buffer.alloc(end - start + 1);
    try { fs.readSync(fd, body, 0, body.length, start); } finally { fs.closeSync(fd); }
    sendWithFault(res, rule, status, headers, body);
  });

  function control(req, res, url) {
    const json = (code, o) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(o)); };
    if (url.pathname === '/__stats') return json(200, { requests: Object.fromEntries(counts), ranges: Object.fromEntries(ranges), bytes, faultsInjected: faults.injected });
    if (url.pathname === '/__reset' && req.method === 'POST') { counts.clear(); ranges.clear(); bytes = 0; faults.clear(); return json(200, { ok: true }); }
    if (url.pathname === '/__faults') {
      if (req.method === 'DELETE') { faults.clear(); return json(200, { ok: true }); }
      let data = '';
      req.on('data', d => data += d);
      req.on('end', () => { try { faults.set(JSON.parse(data || '[]')); json(200, { ok: true, rules: faults.rules.length }); } catch (e) { json(400, { error: e.message }); } });
      return;
    }
    json(404, { error: 'unknown control endpoint' });
  }

  server.keepAliveTimeout = 60000;
  return new Promise(resolve => server.listen(port, host, () => {
    const p = server.address().port;
    resolve({ url: `http://${host}:${p}`, port: p, root, close: () => new Promise(r => { server.closeAllConnections?.(); server.close(() => r()); }) });
  }));
}

module.exports = { start };

if (require.main === module) {
  const arg = n => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : undefined; };
  start({ port: Number(arg('--port') || 0), root: arg('--root') || process.cwd() }).then(s => console.log(`READY ${s.url}`));
}
