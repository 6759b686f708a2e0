#!/usr/bin/env bash
# Makes a fresh clone runnable: installs the locked npm dependencies (npm ci) when package-lock.json
# changed, builds the TypeScript, and builds the temporal CLI v1.5.1 (go install, into ~/.cache,
# outside the repo) when missing. Idempotent and quick when nothing changed. Needs Node 20, npm, Go >= 1.25, PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("smsflow needs Node >= 20.19, found " + process.version); process.exit(1) }'

stamp=node_modules/.smsflow-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: npm ci" >&2
  # `npm ci`: exactly the locked tree, on every machine, and the lock file is never rewritten (it fails
  # instead when package.json and the lock disagree). The lock records every optional platform
  # package too (e.g. vite's win32-only napi-windows-process-start-time), which npm ci requires.
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

echo "bootstrap: building TypeScript" >&2
npx tsc -p tsconfig.build.json

node bin/smsflow.js temporal install >/dev/null
