"""Every word a counsellor reads comes from the translations, in both languages (issue 16,
point 1): both tables (the chat's `t()` and the email view's `et()`) are complete in Dutch and
English, every key the console's code names exists in the table it is read from, every code the
protocol can send has its text, and no screen shows a raw code or key (tests/tui/test_no_raw_codes).
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

import pytest

from helpline_core import protocol as p
from helpline_core.mail import reasons
from helpline_core.protocol.email import MailReason
from helpline_tui import email_text, i18n
from helpline_tui.i18n import coded, refusal, set_language

SOURCE = Path(i18n.__file__).parent
TABLES = {"t": i18n._STRINGS, "et": email_text._STRINGS}
# t("queue.title"), et("email.title"): a literal key read through one table.
LITERAL_KEY = re.compile(r"""\b(e?t)\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
# t(f"email.col.{key}"), coded("state", ...), COLUMN_KEYS = "cases.col" (screens/row_list.py):
# keys built from a value at run time.
BUILT_KEY = re.compile(
    r"""\b(?:e?t\(\s*f["']([a-z_.]+)\.\{|coded\(\s*["']([a-z_]+)["']"""
    r"""|COLUMN_KEYS\s*=\s*["']([a-z_.]+)["'])"""
)
# Any other literal that looks like a key ("login.superseded" kept in a dict, then t(...)).
KEY_LIKE = re.compile(r"""["']([a-z_]+\.[a-z_]+(?:\.[a-z_]+)?)["']""")
NOT_KEYS = {"app.tcss", "app.quit"}  # the app's style sheet and an action name


def _literal(kind: object) -> list[str]:
    return [str(value) for value in get_args(kind)]


# Every family of keys built at run time, with every value it can take: protocol codes come from
# the protocol's own Literal types, so a code added there without a text fails here.
FAMILIES: dict[str, list[str]] = {
    "state": _literal(p.ConversationState),
    "availability": _literal(p.Availability),
    "sex": _literal(p.Sex),
    "ended": _literal(p.EndReason) + _literal(p.ReleaseReason),
    "participation": [x for x in _literal(p.Participation) if x != "owner"],
    "sender": [*_literal(p.SenderKind), "in", "out"],  # TranscriptLine.sender (chat, email)
    "refused": [*_literal(p.ErrorCode), "offline", "timeout"],  # + the client's own
    "channel": ["chat", "email", "phone"],
    "case": ["open", "closed"],  # CaseHeader.status
    # Column and field keys: the same tuples as the screens (a raw key would show in
    # test_no_raw_codes too).
    "pending.col": ["when", "channel", "state", "who"],
    "cases.col": ["pseudonym", "id", "status", "opened", "flags"],
    "email.col": ["left", "subject", "from", "count", "who"],
    "quarantine.col": ["date", "reason", "size", "mailbox"],
    "reg": ["contact_type", "forms", "role", "age_group", "region", "sex", "relation"],
    "login": ["bad_credentials", "totp_required", "bad_totp", "disabled"],
    "status.service": _literal(p.ServicePart),  # what of the relay is out (SService)
    "language": _literal(p.Language),  # the claim-code placeholder's language (email reply)
    # Why mail was quarantined, a reply failed, an attachment was dropped or a mailbox fails:
    # every code of the core's closed list (helpline_core.mail.reasons), "unknown" among them.
    "mail.why": list(reasons.CODES),
}


def sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in SOURCE.rglob("*.py")}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", TABLES, ids=["i18n.t", "email_text.et"])
def test_every_text_has_dutch_and_english_with_the_same_placeholders(table: str) -> None:
    for key, (dutch, english) in TABLES[table].items():
        assert dutch.strip() and english.strip(), key
        assert placeholders(dutch) == placeholders(english), key


def test_the_two_tables_do_not_give_one_key_two_meanings() -> None:
    shared = set(i18n._STRINGS) & set(email_text._STRINGS)
    assert not {key for key in shared if i18n._STRINGS[key] != email_text._STRINGS[key]}


def test_every_literal_key_exists_in_the_table_it_is_read_from() -> None:
    found = [
        (path.name, reader, key)
        for path, text in sources().items()
        for reader, key in LITERAL_KEY.findall(text)
    ]
    assert len(found) > 200  # the pattern still finds the console's keys
    missing = sorted(item for item in found if item[2] not in TABLES[item[1]])
    assert missing == []


def test_every_key_kept_in_the_code_exists() -> None:
    """A key held in a dict or variable and read later (`known[reason]`, `t(problem)`)."""
    prefixes = {key.split(".")[0] for table in TABLES.values() for key in table}
    every = set(i18n._STRINGS) | set(email_text._STRINGS)
    missing = sorted(
        (path.name, key)
        for path, text in sources().items()
        for key in KEY_LIKE.findall(text)
        if key.split(".")[0] in prefixes and key not in every | NOT_KEYS | set(FAMILIES)
    )
    assert missing == []


def test_every_built_key_family_is_known_and_complete() -> None:
    built = {
        fstring or family or columns
        for text in sources().values()
        for fstring, family, columns in BUILT_KEY.findall(text)
    }
    assert {"cases.col", "pending.col", "email.col", "state"} <= built  # the patterns still work
    assert built - set(FAMILIES) == set(), "a new family of keys: list its values in FAMILIES"
    missing = sorted(
        f"{family}.{value}"
        for family, values in FAMILIES.items()
        for value in values
        if f"{family}.{value}" not in i18n._STRINGS and f"{family}.{value}" not in TABLES["et"]
    )
    assert missing == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_code_is_never_shown_on_its_own(language: str) -> None:
    set_language(language)
    try:
        for code in FAMILIES["refused"]:
            assert refusal(code) != code and f"refused.{code}" not in refusal(code)
        unknown = refusal("brand_new_code")  # a newer relay: named inside our sentence
        assert "brand_new_code" in unknown and unknown != "brand_new_code"
        for family in ("state", "availability", "ended", "sender"):
            for code in FAMILIES[family]:
                assert coded(family, code) == i18n.t(f"{family}.{code}")
        for code in FAMILIES["mail.why"]:  # said in words, with its parameters filled in
            spec = reasons._SPECS[code]
            values = dict.fromkeys(spec.params, "7")
            shown = email_text.why(MailReason(code=code, params=values))
            assert shown == email_text.et(f"mail.why.{code}", **values) and "{" not in shown
            assert code not in shown if language == "nl" else shown != code
    finally:
        set_language("nl")
