#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run the whole suite.
# HELPLINE_TEST_DATABASE_URL=postgresql+psycopg://... runs every database test on PostgreSQL too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test --system
exec .venv/bin/pytest "$@"
