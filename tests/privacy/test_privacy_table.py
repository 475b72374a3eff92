"""The table at the top of docs/privacy.md: every promise names real code and real tests.

A row's "Proved by" cell either names tests (`tests/x.py::test_name`), each of which must be
defined in that file, or says "outside the software" or "not built yet" in so many words. A
quote must be in the policy, and a path named as the code that keeps a promise must exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "privacy.md"
POLICY = ROOT / "docs" / "policy" / "1712-terms-and-privacy.txt"
SECTION = "## The policy's promises, one by one"
HONEST = ("outside the software", "not built yet")
NODE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
PATH = re.compile(r"`((?:relay|helpline_core|helpline_cli|helpline_tui)/[\w/.]*)`")
QUOTE = re.compile(r"\"([^\"]+)\"")


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def rows(document: str) -> list[list[str]]:
    """The table's data rows as lists of cells: number, quote, code, proof."""
    start = document.index(SECTION)
    end = document.find("\n## ", start + len(SECTION))
    body = document[start : end if end != -1 else None]
    found = []
    for line in body.splitlines():
        if line.startswith("| P"):
            found.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return found


def defines(file: Path, name: str) -> bool:
    """Whether `file` defines the test function `name` (sync or async)."""
    pattern = re.compile(rf"^(async )?def {re.escape(name)}\(", re.MULTILINE)
    return file.is_file() and bool(pattern.search(file.read_text(encoding="utf-8")))


def problems(document: str, policy: str) -> list[str]:
    """Every way the table fails its rules, one line each (empty: the table holds)."""
    found = []
    policy_text = _plain(policy)
    for number, said, code, proof in rows(document):
        for quote in QUOTE.findall(said):
            if _plain(quote) not in policy_text:
                found.append(f"{number}: the policy does not say {quote!r}")
        for path in PATH.findall(code):
            if not (ROOT / "src" / path).exists():
                found.append(f"{number}: {path} does not exist")
        nodes = NODE.findall(proof)
        if not nodes and not any(marker in proof for marker in HONEST):
            found.append(f"{number}: names no test and says neither of {HONEST}")
        for file, name in nodes:
            if not defines(ROOT / file, name):
                found.append(f"{number}: {file}::{name} does not exist")
    return found


def test_every_row_names_real_code_and_real_tests() -> None:
    document = DOC.read_text(encoding="utf-8")
    numbers = [row[0] for row in rows(document)]
    assert len(numbers) >= 40 and len(set(numbers)) == len(numbers)
    assert problems(document, POLICY.read_text(encoding="utf-8")) == []


def test_the_table_opens_the_page() -> None:
    document = DOC.read_text(encoding="utf-8")
    first_section = next(line for line in document.splitlines() if line.startswith("## "))
    assert first_section == SECTION


TABLE = """{section}

| # | The policy says | Kept by | Proved by |
|---|---|---|---|
| P1 | "{quote}" | `{path}` | {proof} |
"""


@pytest.mark.parametrize(
    ("quote", "path", "proof", "complaint"),
    [
        ("anonymous", "relay/cookies.py", "`tests/privacy/test_privacy_table.py::test_gone`",
         "test_gone does not exist"),
        ("anonymous", "relay/cookies.py", "`tests/nowhere.py::test_the_table_opens_the_page`",
         "does not exist"),
        ("anonymous", "relay/cookies.py", "we think so", "names no test"),
        ("anonymous", "relay/nothing.py", "not built yet: issue 11", "does not exist"),
        ("we sell your data", "relay/cookies.py", "outside the software", "does not say"),
    ],
)  # fmt: skip
def test_a_made_up_test_path_or_quote_is_caught(
    quote: str, path: str, proof: str, complaint: str
) -> None:
    table = TABLE.format(section=SECTION, quote=quote, path=path, proof=proof)
    (found,) = problems(table, "The helpline is free and anonymous.")
    assert complaint in found


@pytest.mark.parametrize(
    "proof",
    [
        "not built yet: issue 11",
        "outside the software: the telephony provider",
        "`tests/privacy/test_privacy_table.py::test_the_table_opens_the_page`",
    ],
)
def test_honest_markers_and_real_tests_pass(proof: str) -> None:
    table = TABLE.format(section=SECTION, quote="anonymous", path="relay/cookies.py", proof=proof)
    assert problems(table, "The helpline is free and anonymous.") == []


def test_the_start_up_refusals_name_rows_that_say_the_same() -> None:
    """A refusal names its row of the table (P15, P19, ...); the row must quote that promise,
    so renumbering the table cannot leave the refusals pointing at another promise."""
    from helpline_core.privacy.promises import GUARDS

    table = {row[0]: row[1] for row in rows(DOC.read_text(encoding="utf-8"))}
    for guard in GUARDS:
        quoted = guard.promise.split(" (")[0]
        assert _plain(quoted) in _plain(table[guard.row]), guard.row
    retention = {"P6": "6 months", "P12": "6 months", "P34": "10 years", "P35": "five years"}
    for row, period in retention.items():
        assert period in table[row], row
