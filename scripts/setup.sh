#!/usr/bin/env bash
# Set up a fresh machine: a virtualenv in .venv with the product (and, with --test, what the
# tests need; with --system, also the Debian packages the tests drive: Chromium, Dovecot, tmux,
# HAProxy, Redis and the word lists the anonymiser is built from), then build the anonymiser's
# lists.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
system=0
for arg in "$@"; do
  case "$arg" in
    --test) extras="[test]" ;;
    --system) system=1 ;;
    *) echo "usage: scripts/setup.sh [--test] [--system]" >&2; exit 2 ;;
  esac
done

if [ "$system" = 1 ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium chromium-driver)
  command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
  command -v tmux >/dev/null || missing+=(tmux)
  # Word lists the anonymiser reads when its lists are built (ordinary words are never names).
  [ -f /usr/share/dict/dutch ] || missing+=(wdutch)
  [ -f /usr/share/dict/french ] || missing+=(wfrench)
  [ -f /usr/share/dict/american-english ] || missing+=(wamerican)
  # Firefox and WebKit for the page's tests in every engine (tests/e2e/engines.py); without
  # recommends, as ../shared/ENVIRONMENT.md found they need none.
  lean=()
  [ -x /usr/bin/firefox-esr ] || lean+=(firefox-esr)
  [ -x /usr/bin/WebKitWebDriver ] || lean+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || lean+=(xvfb xauth)
  # Several relays behind a load balancer (tests/scale): HAProxy and a private redis-server.
  [ -x /usr/sbin/haproxy ] || lean+=(haproxy)
  command -v redis-server >/dev/null || lean+=(redis-server)
  if [ $((${#missing[@]} + ${#lean[@]})) -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing ${missing[*]} ${lean[*]}" >&2
      apt-get update -qq
      if [ ${#missing[@]} -gt 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
      fi
      if [ ${#lean[@]} -gt 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
          "${lean[@]}" >/dev/null
      fi
    else
      echo "not root: install ${missing[*]} ${lean[*]} yourself; their tests will be skipped" >&2
    fi
  fi
fi

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "Python 3.11 or newer is needed" >&2; exit 2; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}" 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
.venv/bin/python -c 'import helpline_core, relay, helpline_cli, helpline_tui' \
  || { echo "installation failed" >&2; exit 1; }
# The anonymiser's compiled lists go into the data directory now, never on a first export
# (uses $HELPLINE_CONFIG when set; run `helpline --config FILE anonymise build` for another).
.venv/bin/helpline anonymise build \
  || { echo "building the anonymiser's lists failed" >&2; exit 1; }
