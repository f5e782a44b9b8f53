'use strict';
// The CongoDB MongoDB-wire-compatible server from @push.rocks/smartmongo 2.2.0 (unpacked by setup.sh).
const { CongoServer } = require('./node_modules/@push.rocks/smartmongo/dist_ts/congodb/index.js');
const arg = n => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : undefined; };
const port = Number(arg('--port'));
new CongoServer({ port, host: '127.0.0.1' }).start()
  .then(() => console.log(`READY mongodb://127.0.0.1:${port}`), e => { console.error(e); process.exit(1); });
