#!/usr/bin/env bash
# Run tests with the system clock set to awkward instants (libfaketime, Debian `faketime`), to
# show that no test depends on the day or the hour it runs (issue 22, point 5):
#   scripts/clock-check.sh [PYTEST ARGS...]        # default: the fast directories below
#   INSTANTS="2028-02-29 12:00 UTC" scripts/clock-check.sh tests/core
# Each instant is a GNU `date -d` string; the clock starts there and runs on at normal speed
# (monotonic time is shifted too: Python's sleep fails under libfaketime 0.9.10 otherwise).
# Processes run in Europe/Brussels, the helpline's zone. Prints one line an instant and, last,
# one JSON object {"instants": N, "failed": [...]}. Not in CI: a whole run an instant is slow.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "faketime is not installed: apt-get install faketime" >&2; exit 2; }
if [ -n "${INSTANTS:-}" ]; then
    mapfile -t instants <<<"$INSTANTS"
else
    instants=(
        'TZ="Europe/Brussels" 2026-11-30 09:00:30'  # a working Monday, opening time + 30 s
        'TZ="Europe/Brussels" 2026-11-29 23:59:59'  # Sunday, a second before midnight
        'TZ="Europe/Brussels" 2027-03-28 01:59:50'  # spring: 02:00 CET becomes 03:00 CEST
        '2027-10-31 00:59:50 UTC'                    # autumn: 02:59:50 CEST, then 02:00 CET again
        'TZ="Europe/Brussels" 2026-12-31 23:59:50'  # the year ends
        'TZ="Europe/Brussels" 2028-02-29 12:00:00'  # a leap day
        'TZ="Europe/Brussels" 2027-01-01 00:20:00'  # local new year, still 31 December in UTC
    )
fi
[ $# -gt 0 ] || set -- tests/core tests/cases tests/retention tests/rights tests/reports
failed=()
for instant in "${instants[@]}"; do
    offset=$(( $(date -d "$instant" +%s) - $(date +%s) ))
    log=$(mktemp)
    if TZ=Europe/Brussels faketime -f "$(printf '%+d' "$offset")" \
        .venv/bin/pytest -q -p no:cacheprovider "$@" >"$log" 2>&1; then
        echo "ok      $instant: $(tail -n 1 "$log")"
    else
        echo "FAILED  $instant: $(tail -n 1 "$log")"
        grep -E '^(FAILED|ERROR) ' "$log" | sed 's/^/    /'
        failed+=("$instant")
    fi
    rm -f "$log"
done
printf '{"instants": %d, "failed": [' "${#instants[@]}"
for i in "${!failed[@]}"; do
    [ "$i" -eq 0 ] || printf ', '
    printf '"%s"' "${failed[$i]//\"/\\\"}"
done
printf ']}\n'
[ ${#failed[@]} -eq 0 ]
