#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run the whole suite.
# HELPLINE_TEST_DATABASE_URL=postgresql+psycopg://... runs every database test on PostgreSQL too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test --system
# Test files run in parallel (pytest-xdist), a whole file per worker so that its module-scoped
# relays and browsers are started once. Most tests wait on sockets, browsers and subprocesses, so
# two workers halve the time even on two cores; more than four only add memory.
# HELPLINE_TEST_WORKERS=0 runs everything in this one process.
cores=$(nproc 2>/dev/null || echo 2)
workers="${HELPLINE_TEST_WORKERS:-$(( cores < 2 ? 2 : (cores > 4 ? 4 : cores) ))}"
exec .venv/bin/pytest -n "$workers" --dist loadfile "$@"
