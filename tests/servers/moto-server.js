'use strict';
// moto_server (Python moto's standalone server) as a second S3 for the tests: unlike s3rver it gives multipart
// ETags ending in "-N", evaluates bucket policies (a Deny answers 403) and lists keys in S3's order (UTF-8 bytes).
// Started only when the moto_server command exists; otherwise start() resolves to { unavailable: reason }.
const { spawn, spawnSync } = require('child_process');
const http = require('http');
const net = require('net');

function which(cmd) {
  const r = spawnSync(process.platform === 'win32' ? 'where' : 'sh', process.platform === 'win32' ? [cmd] : ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split(/\r?\n/)[0].trim() : null;
}

function freePort(host) {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, host, () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

function request(method, url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, res => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
    req.end();
  });
}

async function start({ host = '127.0.0.1', buckets = [] } = {}) {
  const exe = which('moto_server');
  if (!exe) return { unavailable: "moto_server is not installed (pip install 'moto[server]')" };
  const port = await freePort(host);
  const args = ['-H', host, '-p', String(port)];
  // moto_server cannot watch our pipe itself; a shell that exits when its stdin closes takes it down with it,
  // so even a SIGKILLed harness leaves no orphan server behind.
  const child = process.platform === 'win32'
    ? spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('sh', ['-c', `"$0" "$@" >/dev/null 2>&1 & pid=$!; cat >/dev/null; kill $pid 2>/dev/null`, exe, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  if (child.stderr) child.stderr.on('data', d => { err += d; });
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + 45000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${err}`);
    try { await request('GET', `${url}/moto-api/data.json`); break; } catch { /* not listening yet */ }
    if (Date.now() > deadline) { stopChild(child); throw new Error(`moto_server did not listen on ${url} in 45 s: ${err}`); }
    await new Promise(r => setTimeout(r, 200));
  }
  // moto does not check signatures by default, so plain PUTs create the buckets.
  // moto's first request after start-up imports most of its backends: seconds on a busy machine, so the buckets
  // get a long timeout and up to three tries (a PUT of an existing bucket is a 200 in us-east-1).
  for (const b of buckets) {
    let status;
    for (let attempt = 1; ; attempt++) {
      try { status = await request('PUT', `${url}/${b}`, 30000); break; }
      catch (e) { if (attempt >= 3) { stopChild(child); throw new Error(`moto_server: creating bucket ${b}: ${e.message}`); } }
    }
    if (status >= 300) throw new Error(`moto_server: creating bucket ${b} answered ${status}`);
  }
  return {
    url,
    close: () => new Promise(resolve => {
      if (child.exitCode !== null) return resolve();
      child.on('exit', () => resolve());
      stopChild(child);
      setTimeout(resolve, 3000).unref();
    }),
  };
}

// Closing the shell's stdin makes it kill moto_server and exit (a signal to the shell would orphan moto_server).
function stopChild(child) {
  if (child.stdin) child.stdin.end(); else child.kill('SIGTERM');
}

module.exports = { start };
