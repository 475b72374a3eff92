"""Every word a counsellor reads comes from the translations, in both languages (issue 16,
point 1): a key used in the console's code that is missing, or empty in one language, fails."""

from __future__ import annotations

import re
from pathlib import Path

from helpline_tui import i18n

SOURCE = Path(i18n.__file__).parent
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
# Keys built from a value: every value the protocol allows must have its text.
FAMILIES = {
    "state": ["queued", "active", "holding", "ended"],
    "availability": ["available", "away", "break", "offline"],
    "participation": ["consult", "observer"],
    "ended": ["visitor", "visitor_quick", "counsellor", "expired", "blocked", "closed",
              "handover", "take_over", "left", "ended"],
}  # fmt: skip


def used_keys() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        found.update(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_key_in_the_code_has_dutch_and_english() -> None:
    keys = used_keys() | {f"{family}.{v}" for family, vs in FAMILIES.items() for v in vs}
    assert len(keys) > 100  # the pattern still finds the console's keys
    missing = sorted(key for key in keys if key not in i18n._STRINGS)
    assert missing == []
    for key in keys:
        dutch, english = i18n._STRINGS[key]
        assert dutch.strip() and english.strip(), key


def test_the_team_view_headers_are_translated() -> None:
    text = (SOURCE / "screens" / "lead.py").read_text(encoding="utf-8")
    for english in ('"Counsellor"', '"State"', '"Duration"', '"Status"', '"Team"', '"Chats"'):
        assert english not in text
