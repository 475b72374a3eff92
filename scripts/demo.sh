#!/usr/bin/env bash
# Run the product on its embedded default (SQLite in .demo/), with demo accounts, chat always open.
set -euo pipefail
cd "$(dirname "$0")/.."
# The data directory first: setup.sh builds the anonymiser's lists into it (else they would
# land in the per-user directory and `helpline export training` in the demo could not find them).
export HELPLINE_DATA_DIR="${HELPLINE_DATA_DIR:-$PWD/.demo}"
scripts/setup.sh

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

# A demo mailbox for team Antwerpen (F12 in the console), when pymap and aiosmtpd are
# installed (the test extra): pymap in memory on 127.0.0.1:1143, replies to an SMTP sink on
# 127.0.0.1:1025 whose messages land in $HELPLINE_DATA_DIR/sent-mail.log. Nothing leaves.
mail_note="  Email: not set up (pip install pymap aiosmtpd, or .venv/bin/pip install -e '.[test]')"
if [ -x .venv/bin/pymap ] && .venv/bin/python -c "import aiosmtpd" 2>/dev/null; then
  imap_port="${DEMO_IMAP_PORT:-1143}"
  smtp_port="${DEMO_SMTP_PORT:-1025}"
  .venv/bin/pymap --host 127.0.0.1 --port "$imap_port" --no-tls dict --demo-data \
    >"$HELPLINE_DATA_DIR/pymap.log" 2>&1 &
  pids="$!"
  .venv/bin/python -m aiosmtpd -n -l "127.0.0.1:$smtp_port" \
    >"$HELPLINE_DATA_DIR/sent-mail.log" 2>&1 &
  pids="$pids $!"
  trap 'kill $pids 2>/dev/null' EXIT
  .venv/bin/python scripts/demo_mailbox.py fill "$imap_port"
  export DEMO_IMAP_PASSWORD=demopass
  HELPLINE_TEAMS="$(.venv/bin/python scripts/demo_mailbox.py teams "$imap_port" "$smtp_port")"
  export HELPLINE_TEAMS
  mail_note="  Email (team Antwerpen): F12 in the console; a thread, an HTML email, one with an
      attachment, one quarantined (F7 in the email list). Replies: $HELPLINE_DATA_DIR/sent-mail.log"
fi

cat >&2 <<MSG

  Visitor chat page:  http://127.0.0.1:${port}/
  Counsellor console (another terminal):
      HELPLINE_CONSOLE__SERVER=ws://127.0.0.1:${port}/console .venv/bin/helpline-console
      user demo-anna (or team lead demo-lead), password: ${password}
      F11 case files, ctrl+o contacts still to register, ctrl+t register a phone call
$mail_note
  Admin CLI:          HELPLINE_DATA_DIR=$HELPLINE_DATA_DIR .venv/bin/helpline --help
  Stop with Ctrl-C.

MSG
.venv/bin/helpline-relay  # not exec: the trap stops the mail servers afterwards
