#!/usr/bin/env bash
# Run the product on its embedded default (SQLite in .demo/), with demo accounts, chat always open.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export HELPLINE_DATA_DIR="${HELPLINE_DATA_DIR:-$PWD/.demo}"
export HELPLINE_CHAT_HOURS__ALWAYS_OPEN=true
port="${HELPLINE_RELAY__PORT:-8080}"
export HELPLINE_RELAY__PORT="$port"
export HELPLINE_CONSOLE__SERVER="ws://127.0.0.1:${port}/console"
password="demo password"

if [ ! -f "$HELPLINE_DATA_DIR/helpline.sqlite3" ]; then
  echo "$password" | .venv/bin/helpline init --admin demo-admin --password-stdin
  echo "$password" | .venv/bin/helpline counsellor add demo-anna --team antwerpen \
    --display-name Anna --password-stdin
  echo "$password" | .venv/bin/helpline counsellor add demo-lead --team antwerpen \
    --role team_lead --display-name Lotte --password-stdin
  # History to look at: registrations over a year, a few chats, emails and case files, and
  # some ended chats still to register (ctrl+o in the console).
  .venv/bin/helpline demo seed --contacts 2000 --months 12 --seed 1 --transcripts 0.02 \
    --case-files 5
fi

cat >&2 <<MSG

  Visitor chat page:  http://127.0.0.1:${port}/
  Counsellor console (another terminal):
      HELPLINE_CONSOLE__SERVER=ws://127.0.0.1:${port}/console .venv/bin/helpline-console
      user demo-anna (or team lead demo-lead), password: ${password}
      F11 case files, ctrl+o contacts still to register, ctrl+t register a phone call
  Admin CLI:          HELPLINE_DATA_DIR=$HELPLINE_DATA_DIR .venv/bin/helpline --help
  Stop with Ctrl-C.

MSG
exec .venv/bin/helpline-relay
