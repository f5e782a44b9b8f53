'use strict';
// Starts the test servers on free 127.0.0.1 ports, writes their addresses as JSON (--out), prints
// "READY <file>", and stops everything when stdin closes, on SIGTERM/SIGINT, when --parent-pid dies,
// or after --max-seconds. Fakes in ../fakes/<name>-fake.js (exporting start({port, host})) start too.
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { spawn } = require('child_process');

const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const out = arg('--out', path.join(os.tmpdir(), `foc-servers-${process.pid}.json`));
const only = (arg('--only', '') || '').split(',').filter(Boolean);
const want = n => only.length === 0 || only.includes(n);
const data = arg('--data', fs.mkdtempSync(path.join(os.tmpdir(), 'foc-servers-')));
const ownsData = !process.argv.includes('--data');
const parentPid = Number(arg('--parent-pid', 0));
const maxSeconds = Number(arg('--max-seconds', 5400));
const buckets = arg('--buckets', 'test-bucket,media,other-bucket,bench');

const children = [];
const closers = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

function startChild(script, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env, FOC_EXIT_ON_STDIN_CLOSE: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let buf = '', err = '';
    const timer = setTimeout(() => reject(new Error(`${path.basename(script)} did not start: ${err}`)), 60000);
    child.stdout.on('data', d => {
      buf += d;
      const m = /READY (\S+)/.exec(buf);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.stderr.on('data', d => { err += d; });
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`${path.basename(script)} exited with ${code}: ${err}`)); });
  });
}

async function main() {
  const info = {};
  // moto_server takes seconds to import; it starts while the others do.
  const moto = want('moto') ? require('./moto-server').start({ host: '127.0.0.1', buckets: buckets.split(',') }) : null;
  moto?.catch(() => {}); // handled where it is awaited below; until then a failure must not count as unhandled
  if (want('http')) {
    const s = await require('./http-server').start({ root: path.join(data, 'http') });
    closers.push(s.close);
    info.http = { url: s.url, root: s.root };
  }
  if (want('s3')) {
    const dir = path.join(data, 's3');
    fs.mkdirSync(dir, { recursive: true });
    const url = await startChild(path.join(__dirname, 's3-server.js'),
      ['--port', String(await freePort()), '--dir', dir, '--buckets', buckets],
      { NODE_OPTIONS: [process.env.NODE_OPTIONS, '--openssl-legacy-provider'].filter(Boolean).join(' ') });
    info.s3 = { endpoint: url, accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1', buckets: buckets.split(','), dir };
    // The same s3rver behind the fault proxy, for retry and fault tests.
    const proxy = await require('./fault-proxy').start({ target: url });
    closers.push(proxy.close);
    info.s3proxy = { endpoint: proxy.url };
  }
  if (want('azure')) {
    const dir = path.join(data, 'azurite');
    fs.mkdirSync(dir, { recursive: true });
    const url = await startChild(path.join(__dirname, 'azurite-server.js'), ['--port', String(await freePort()), '--location', dir], {});
    // Azurite's published development account; containers are created by the tests (private, as Azure's default).
    info.azure = { url, account: 'devstoreaccount1', key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==', dir };
    // The same Azurite behind the fault proxy (path-style URLs: account and container stay in the path).
    const proxy = await require('./fault-proxy').start({ target: url.replace(/\/devstoreaccount1$/, '') });
    closers.push(proxy.close);
    info.azureproxy = { url: `${proxy.url}/devstoreaccount1` };
  }
  if (want('mongo')) {
    const port = await freePort();
    await startChild(path.join(__dirname, 'mongo-server.js'), ['--port', String(port)], {});
    info.mongo = { uri: `mongodb://127.0.0.1:${port}` };
  }
  if (moto) {
    const m = await moto;
    if (m.unavailable) info.unavailable = { ...info.unavailable, moto: m.unavailable };
    else {
      closers.push(m.close);
      info.moto = { endpoint: m.url, accessKey: 'testing', secretKey: 'testing', region: 'us-east-1', buckets: buckets.split(',') };
    }
  }
  const fakes = path.join(__dirname, '..', 'fakes');
  if (fs.existsSync(fakes)) {
    for (const f of fs.readdirSync(fakes).filter(f => f.endsWith('-fake.js')).sort()) {
      const name = f.replace(/-fake\.js$/, '');
      if (!want(name)) continue;
      const mod = require(path.join(fakes, f));
      if (typeof mod.start !== 'function') continue;
      const s = await mod.start({ port: 0, host: '127.0.0.1' });
      if (s.close) closers.push(() => s.close());
      info[name] = { url: s.url };
    }
  }
  fs.writeFileSync(out + '.tmp', JSON.stringify(info, null, 2));
  fs.renameSync(out + '.tmp', out);
  console.log(`READY ${out}`);
}

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) { try { c.kill('SIGTERM'); } catch { } }
  await Promise.race([Promise.all(closers.map(c => Promise.resolve().then(c).catch(() => { }))), new Promise(r => setTimeout(r, 3000))]);
  for (const c of children) { try { c.kill('SIGKILL'); } catch { } }
  try { fs.unlinkSync(out); } catch { }
  if (ownsData) { try { fs.rmSync(data, { recursive: true, force: true }); } catch { } }
  process.exit(code);
}

process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
// Only a pipe from a parent means "stop when I close it"; /dev/null or a terminal does not.
const stdinStat = (() => { try { return fs.fstatSync(0); } catch { return null; } })();
if (stdinStat && (stdinStat.isFIFO() || stdinStat.isSocket())) {
  process.stdin.on('end', () => stop(0));
  process.stdin.on('close', () => stop(0));
  process.stdin.resume();
}
setTimeout(() => stop(0), maxSeconds * 1000).unref();
if (parentPid) setInterval(() => { try { process.kill(parentPid, 0); } catch { stop(0); } }, 1000).unref();
main().catch(e => { console.error(e.stack || String(e)); stop(1); });
