"""Build the claim-code word lists (src/helpline_core/services/rights/words/{nl,fr,en}.txt).

Source: the most frequent words of each language (wordfreq 3.1.1, `pip install
'helpline[wordlists]'`) that the Debian dictionary of that language also spells in lower case
(wdutch, wfrench, wamerican in /usr/share/dict). Rules (docs/claim-codes.md): 3 to 8 letters,
a-z only after accent folding, not blocked by any language's list in words/blocklist/, no two
equal after folding; the 2048 most frequent that pass, written sorted. Run again after changing
a blocklist, read the diff, and commit the lists: the software reads only the lists.

    .venv/bin/python scripts/build_claim_words.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import wordfreq

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
from helpline_core.services.rights.wordrules import (
    LIST_SIZE,
    Blocklist,
    acceptable,
    fold,
)

WORDS = Path(__file__).parents[1] / "src/helpline_core/services/rights/words"
DICTIONARIES = {
    "nl": "/usr/share/dict/dutch",
    "fr": "/usr/share/dict/french",
    "en": "/usr/share/dict/american-english",
}


def build(language: str, blocked: Blocklist) -> list[str]:
    spelled = set(Path(DICTIONARIES[language]).read_text(encoding="utf-8").split())
    chosen: dict[str, None] = {}
    for word in wordfreq.top_n_list(language, 100_000):
        if word not in spelled or not acceptable(word, blocked):
            continue
        chosen.setdefault(fold(word))
        if len(chosen) == LIST_SIZE:
            return sorted(chosen)
    raise SystemExit(f"{language}: only {len(chosen)} words pass the rules")


def main() -> None:
    blocked = Blocklist.load()
    for language in DICTIONARIES:
        words = build(language, blocked)
        (WORDS / f"{language}.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
        print(f"{language}: {len(words)} words")  # noqa: T201


if __name__ == "__main__":
    main()
