#!/usr/bin/env bash
# Installs the test servers from the project's own files (idempotent): npm packages from the lock file, the
# CongoDB server unpacked from the @push.rocks/smartmongo tarball (its own install pulls a dependency that is
# not served, so only its runtime dependencies are installed, pinned in package.json), and s3rver's listing
# namespace corrected to S3's standard one so that the Minio client parses listings.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.foc-setup
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -f node_modules/@push.rocks/smartmongo/dist_ts/congodb/index.js ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack @push.rocks/smartmongo@2.2.0 --loglevel=error >/dev/null)
  mkdir -p node_modules/@push.rocks/smartmongo
  tar -xzf "$tmp"/push.rocks-smartmongo-2.2.0.tgz -C node_modules/@push.rocks/smartmongo --strip-components=1
  rm -rf "$tmp"
fi
{ grep -rl 'http://doc.s3.amazonaws.com/2006-03-01/' node_modules/s3rver/lib 2>/dev/null || true; } | while read -r f; do
  sed -i 's#http://doc.s3.amazonaws.com/2006-03-01/#http://s3.amazonaws.com/doc/2006-03-01/#g' "$f"
done
touch "$stamp"
