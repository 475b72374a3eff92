"""A configuration that would break a promise of the policy is refused at start-up, in one line
naming the key and the promise; nothing in the configuration can add a cookie or a resource
from another site to the visitor page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpline_core.config import ConfigError, load_settings
from relay import static

SRC = Path(__file__).resolve().parents[2] / "src"

BREAKS = [
    ("RELAY__RESUME_MINUTES", "6", "relay.resume_minutes = 6 breaks promise P15", "five minutes"),
    ("DATABASE__ECHO", "true", "database.echo = true breaks promise P19", "discretion"),
    ("RETENTION__CHAT_MONTHS", "7", "chat_months = 7 is above the policy's 6 (P12)", "retention"),
    ("RETENTION__EMAIL_MONTHS", "9", "email_months = 9 is above the policy's 6 (P6)", "retention"),
    ("RETENTION__CASE_YEARS", "9", "case_years = 9 is below the policy's 10 (P34)", "retention"),
    (
        "RETENTION__CASE_YEARS_BEFORE_CUTOFF",
        "4",
        "case_years_before_cutoff = 4 is below the policy's 5 (P35)",
        "retention",
    ),
]


@pytest.mark.parametrize(("key", "value", "says", "promise"), BREAKS)
def test_a_configuration_that_breaks_a_promise_is_refused_in_one_line(
    key: str, value: str, says: str, promise: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, environ={f"HELPLINE_{key}": value})
    message = str(caught.value)
    assert says in message and promise in message, message
    assert "policy_override" in message and "\n" not in message
    # A test install may accept it, in so many words.
    accepted = load_settings(
        None, environ={f"HELPLINE_{key}": value, "HELPLINE_RETENTION__POLICY_OVERRIDE": "true"}
    )
    assert accepted.retention.policy_override


def test_the_promise_keeps_its_own_limits() -> None:
    settings = load_settings(None, environ={"HELPLINE_RELAY__RESUME_MINUTES": "5"})
    assert settings.relay.resume_minutes == 5 and not settings.database.echo


def test_the_relay_refuses_to_start_and_names_the_promise(tmp_path: Path) -> None:
    config = tmp_path / "helpline.toml"
    config.write_text("[database]\necho = true\n")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "helpline-relay"), "--config", str(config)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "database.echo = true breaks promise P19" in lines[0]


def test_one_cookie_is_set_in_one_place() -> None:
    """The policy's one cookie (P15, P17): no configuration or other code path sets another."""
    setters = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[\"']Set-Cookie[\"']\]\s*=", line)
    ]
    assert len(setters) == 1 and setters[0].startswith("relay/server.py:"), setters


def test_the_page_can_load_nothing_from_another_site() -> None:
    """P17: the Content-Security-Policy is fixed in the code, and no file of the page refers
    to another site except the built-in "leave quickly" target, a navigation."""
    directives = dict(part.strip().split(" ", 1) for part in static.CSP.split(";"))
    for name in ("default-src", "script-src", "style-src", "img-src", "connect-src", "font-src"):
        assert directives[name] == "'self'"
    for file in static.WEB_DIR.iterdir():
        if file.suffix in {".html", ".js", ".css"}:
            text = file.read_text(encoding="utf-8")
            urls = re.findall(r"https?://[^\s\"'`)]+", text)
            allowed = {"https://www.google.com/search?q=weather", "http://www.w3.org/2000/svg"}
            assert set(urls) <= allowed, f"{file.name}: {urls}"
