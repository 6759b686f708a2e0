#!/usr/bin/env node
// The `smsflow` command. Runs the compiled CLI (npm run build, done by scripts/bootstrap.sh).
import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
