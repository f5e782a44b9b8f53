'use strict';
// Azurite's blob service in its own process (its configuration is read from argv), on the given 127.0.0.1 port
// with a temporary workspace, no telemetry and no API-version check (the .NET SDK speaks newer versions than the
// emulator knows). Prints "READY <account URL>" for the harness.
const arg = n => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : undefined; };
const port = arg('--port');
const location = arg('--location');
process.argv = [process.argv[0], 'azurite-blob', '--blobHost', '127.0.0.1', '--blobPort', port, '--location', location,
  '--skipApiVersionCheck', '--silent', '--disableTelemetry'];
const { BlobServerFactory } = require('azurite/dist/src/blob/BlobServerFactory');
(async () => {
  const server = await new BlobServerFactory().createServer();
  await server.start();
  console.log(`READY http://127.0.0.1:${port}/devstoreaccount1`);
  const stop = () => server.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
})().catch(e => { console.error(e); process.exit(1); });
// Started by harness.js: exit when its stdin pipe closes, so a killed harness (even SIGKILL) leaves no orphan.
if (process.env.FOC_EXIT_ON_STDIN_CLOSE === '1') { process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume(); }
