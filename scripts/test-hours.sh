#!/usr/bin/env bash
# npm run test:hours [-- INSTANT...]: runs the test files whose outcome could depend on the hour or the
# day with the suite's clock (SMSFLOW_TEST_CLOCK, test/helpers/test-clock.ts) set to several instants,
# one run after another, and prints a line per instant. Green at every instant means no test relies on
# the time of day without saying so: a test that needs daytime pins its own clock (US_BUSINESS_HOURS);
# one that silently relied on it fails here.
#
# The files: everything that reaches quiet hours, local-time scheduling, validity, start_at, frequency
# caps or a consent timestamp checked against "now" (found with grep over test/ for real providers'
# fakes, SMPP, quiet_hours, start_at, send_at_local_time, frequency_cap, occurred_at/opted_in_at, and
# confirmed by running the whole suite at US night, the suite's default instant).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
  INSTANTS=("$@")
else
  INSTANTS=(
    2026-06-16T00:00:00Z # Tuesday 00:00 UTC: Monday 20:00 in New York (New Jersey closed, DC open), 05:30 in Delhi
    2026-06-16T06:00:00Z # 02:00 in New York, 08:00 in Paris, 11:30 in Delhi
    2026-06-16T12:00:00Z # 08:00 in New York (window opens), 05:00 in Los Angeles
    2026-06-16T18:00:00Z # 14:00 in New York, 08:00 in Honolulu
    # DST changes, a minute before each so the longer tests run across it:
    2026-03-08T06:59:00Z # US: 02:00 EST becomes 03:00 EDT at 07:00Z (New York), a Sunday
    2026-11-01T05:59:00Z # US: 02:00 EDT becomes 01:00 EST at 06:00Z (New York), a Sunday
    2026-03-29T00:59:00Z # EU: 01:00 UTC, clocks go forward in London, Paris, Berlin, a Sunday
  )
fi

FILES=(
  test/integration/provider-campaigns.test.ts
  test/integration/provider-receipt-opt-out.test.ts
  test/integration/provider-failover.test.ts
  test/integration/smpp-provider.test.ts
  test/integration/campaign-quiet-hours.test.ts
  test/integration/campaign-scheduling.test.ts
  test/integration/campaign-frequency-cap.test.ts
  test/integration/frequency-cap-claim.test.ts
  test/integration/two-way-opt-out.test.ts
  test/integration/inbound-message.test.ts
  test/integration/consent-at-send-time.test.ts
  test/integration/consent-import-workflow.test.ts
  test/integration/onboarding-end-to-end.test.ts
  test/api/consent-events.test.ts
  test/api/contact-import.test.ts
  test/api/contacts.test.ts
)

# Spawned workers run dist/: build it (and install/build what is missing) once.
bash scripts/bootstrap.sh

logs=$(mktemp -d "${TMPDIR:-/tmp}/smsflow-test-hours.XXXXXX")
failed=0
printf '%-22s %-6s %8s  %s\n' 'SMSFLOW_TEST_CLOCK' 'result' 'seconds' 'load average (1, 5, 15 min) at start'
for at in "${INSTANTS[@]}"; do
  load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
  started=$(date +%s)
  log="$logs/${at//:/}.log"
  if SMSFLOW_TEST_CLOCK="$at" npx vitest run "${FILES[@]}" >"$log" 2>&1; then
    result=green
  else
    result=RED
    failed=1
  fi
  printf '%-22s %-6s %8s  %s\n' "$at" "$result" "$(($(date +%s) - started))" "$load"
done
echo "logs: $logs"
if [ "$failed" -ne 0 ]; then
  echo 'test:hours: red at some instant; the failing tests are in the logs above' >&2
  exit 1
fi
