'use strict';
// Writes benchmark data: --count N files of --size BYTES named obj000000.bin under --dir (distinct contents),
// or with --big BYTES one file --file PATH. Random bytes, so nothing compresses or dedups.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const pool = crypto.randomBytes(4 << 20);
if (arg('--big')) {
  const total = Number(arg('--big'));
  const fd = fs.openSync(arg('--file'), 'w');
  for (let done = 0; done < total;) {
    const n = Math.min(pool.length, total - done);
    crypto.randomFillSync(pool, 0, 64);
    fs.writeSync(fd, pool, 0, n);
    done += n;
  }
  fs.closeSync(fd);
} else {
  const dir = arg('--dir'), count = Number(arg('--count')), size = Number(arg('--size'));
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const off = (i * 7919) % (pool.length - size);
    const buf = Buffer.from(pool.subarray(off, off + size));
    buf.writeUInt32LE(i, 0);
    fs.writeFileSync(path.join(dir, `obj${String(i).padStart(6, '0')}.bin`), buf);
  }
}
