#!/usr/bin/env bash
# Mutation testing of one module (mutmut, pinned in the [test] extra) in a copy of the tree:
#   scripts/mutation.sh helpline_core/calendar.py [--only FUNCTION ...] [TEST ...]
# Prints the surviving mutants, killed/survived/score; the last line is one JSON object.
# The tests for each module are listed in scripts/mutation-targets.toml; docs/testing.md has scores.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/mutmut ] || scripts/setup.sh --test >&2
exec .venv/bin/python scripts/mutation.py "$@"
