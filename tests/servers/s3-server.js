'use strict';
// s3rver in its own process: on Node 20 its ListObjectsV2 continuation tokens need the legacy OpenSSL
// provider, which only a process flag (NODE_OPTIONS=--openssl-legacy-provider, set by the harness) enables.
const S3rver = require('s3rver');
const arg = n => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : undefined; };
const buckets = (arg('--buckets') || '').split(',').filter(Boolean).map(name => ({ name, configs: [] }));
new S3rver({
  port: Number(arg('--port')), address: '127.0.0.1', silent: true, directory: arg('--dir'), configureBuckets: buckets,
}).run().then(({ port }) => console.log(`READY http://127.0.0.1:${port}`), e => { console.error(e); process.exit(1); });
