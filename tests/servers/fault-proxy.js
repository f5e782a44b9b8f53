'use strict';
// A fault-injecting reverse proxy in front of any test server (s3rver, the HTTP server, fakes). Requests are
// forwarded unchanged, Host header included, so S3 signatures still verify; responses pass through or are
// broken by the same rules as http-server.js (POST/DELETE /__faults, GET /__stats, POST /__reset).
const http = require('http');
const { Faults, sendWithFault } = require('./faults');

function start({ port = 0, host = '127.0.0.1', target }) {
  const t = new URL(target);
  const faults = new Faults();
  const counts = new Map();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/__')) return control(req, res, url);
    counts.set(`${req.method} ${url.pathname}`, (counts.get(`${req.method} ${url.pathname}`) || 0) + 1);
    const rule = faults.take(url.pathname, req.method, url.search);
    if (rule && rule.kind === 'status') { req.resume(); return sendWithFault(res, rule); }
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers, agent }, upRes => {
      if (!rule || rule.kind === 'wrong-etag') {
        // No body fault: stream through, so large objects do not sit in memory.
        const headers = { ...upRes.headers };
        if (rule) headers.etag = '"injected-' + Date.now() + '"';
        res.writeHead(upRes.statusCode, headers);
        upRes.pipe(res);
        upRes.on('aborted', () => res.destroy());
        return;
      }
      const chunks = [];
      upRes.on('data', c => chunks.push(c));
      upRes.on('end', () => {
        const body = req.method === 'HEAD' ? null : Buffer.concat(chunks);
        const headers = { ...upRes.headers };
        delete headers['transfer-encoding'];
        if (body) headers['content-length'] = String(body.length);
        sendWithFault(res, rule, upRes.statusCode, headers, body);
      });
    });
    up.on('error', e => { res.writeHead(502); res.end(String(e)); });
    req.pipe(up);
  });

  function control(req, res, url) {
    const json = (code, o) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(o)); };
    if (url.pathname === '/__stats') return json(200, { requests: Object.fromEntries(counts), faultsInjected: faults.injected });
    if (url.pathname === '/__reset' && req.method === 'POST') { counts.clear(); faults.clear(); return json(200, { ok: true }); }
    if (url.pathname === '/__faults') {
      if (req.method === 'DELETE') { faults.clear(); return json(200, { ok: true }); }
      let data = '';
      req.on('data', d => data += d);
      req.on('end', () => { try { faults.set(JSON.parse(data || '[]')); json(200, { ok: true }); } catch (e) { json(400, { error: e.message }); } });
      return;
    }
    json(404, { error: 'unknown control endpoint' });
  }

  return new Promise(resolve => server.listen(port, host, () => {
    const p = server.address().port;
    resolve({ url: `http://${host}:${p}`, port: p, close: () => new Promise(r => { server.closeAllConnections?.(); server.close(() => r()); }) });
  }));
}

module.exports = { start };

if (require.main === module) {
  const arg = n => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : undefined; };
  start({ port: Number(arg('--port') || 0), target: arg('--target') }).then(s => console.log(`READY ${s.url}`));
}
