'use strict';
// A minimal parallel keep-alive HTTP client for the benchmark: the "raw" rate a server gives.
//   node rawget.js get --urls FILE [--out DIR] [--concurrency 32]   GET every URL (one per line), body to DIR/<index>
//   node rawget.js put --base URL --from DIR [--prefix p/] [--concurrency 16] [--count N]  PUT every file of DIR (or the
//     first N by name) to URL/prefix+name
// Bounded: only 127.0.0.1 URLs are accepted, every request has a 60 s timeout, the run stops after --max-seconds.
// Prints one JSON line: {"count":N,"failed":N,"bytes":N,"seconds":S,"rate":N}.
const fs = require('fs');
const path = require('path');
const http = require('http');

const mode = process.argv[2];
const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const concurrency = Number(arg('--concurrency', mode === 'put' ? 16 : 32));
const maxSeconds = Number(arg('--max-seconds', 900));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
setTimeout(() => { console.error('rawget: time limit reached'); process.exit(3); }, maxSeconds * 1000).unref();

function local(u) {
  const url = new URL(u);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`refusing a non-loopback URL: ${u}`);
  return url;
}

function request(method, url, body, sink) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, timeout: 60000, headers: body ? { 'content-length': body.length, 'content-type': 'application/octet-stream' } : {} }, res => {
      const chunks = [];
      let n = 0;
      res.on('data', c => { chunks.push(c); n += c.length; });
      res.on('end', () => {
        if (res.statusCode >= 300) return reject(new Error(`${method} ${url.pathname}: HTTP ${res.statusCode}`));
        if (sink) fs.writeFile(sink, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, n), e => e ? reject(e) : resolve(n));
        else resolve(n);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function pool(jobs, worker) {
  let next = 0, failed = 0, bytes = 0, firstError = null;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
    while (next < jobs.length) {
      const j = jobs[next++];
      try { const n = await worker(j); bytes += n; }
      catch (e) { failed++; firstError ??= e.message; }
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { count: jobs.length - failed, failed, bytes, seconds, rate: (jobs.length - failed) / seconds, error: firstError };
}

async function main() {
  if (mode === 'get') {
    const urls = fs.readFileSync(arg('--urls'), 'utf8').split('\n').map(s => s.trim()).filter(Boolean).map(local);
    const out = arg('--out');
    if (out) fs.mkdirSync(out, { recursive: true });
    return pool(urls.map((u, i) => ({ u, i })), j => request('GET', j.u, null, out ? path.join(out, String(j.i)) : null));
  }
  if (mode === 'put') {
    const base = arg('--base').replace(/\/$/, '');
    local(base);
    const from = arg('--from');
    const prefix = arg('--prefix', '');
    const names = fs.readdirSync(from).filter(n => fs.statSync(path.join(from, n)).isFile()).sort().slice(0, Number(arg('--count', Infinity)));
    return pool(names, n => request('PUT', local(`${base}/${prefix}${encodeURIComponent(n)}`), fs.readFileSync(path.join(from, n)), null).then(() => 0));
  }
  throw new Error('usage: rawget.js get|put ...');
}

main().then(r => { console.log(JSON.stringify(r)); process.exit(r.failed ? 1 : 0); })
  .catch(e => { console.error(e.stack || String(e)); process.exit(2); });
