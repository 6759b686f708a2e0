#!/usr/bin/env bash
# Makes a fresh clone runnable: installs npm dependencies when package-lock.json changed, builds the
# TypeScript, and builds the temporal CLI v1.5.1 (go install, into ~/.cache, outside the repo) when
# missing. Idempotent and quick when nothing changed. Needs Node 20, npm, Go >= 1.25, PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("smsflow needs Node >= 20.19, found " + process.version); process.exit(1) }'

stamp=node_modules/.smsflow-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: npm install" >&2
  # Not `npm ci`: npm 11 rejects this lock file for an optional Windows-only dependency of vite
  # (napi-windows-process-start-time) that it never records; `npm install` honours the lock.
  npm install --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

echo "bootstrap: building TypeScript" >&2
npx tsc -p tsconfig.build.json

node bin/smsflow.js temporal install >/dev/null
