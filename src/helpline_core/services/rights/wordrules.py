"""The rules a claim-code word must pass (docs/claim-codes.md): common, 3 to 8 letters, a-z only
after accent folding, and blocked by no language's blocklist (words/blocklist/{nl,fr,en}.txt:
offensive, sexual, violent, abuse-related or otherwise distressing words). The lists in words/
are built by scripts/build_claim_words.py with these rules, and a test checks them again."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LIST_SIZE = 2048  # 11 bits a word
MIN_LETTERS, MAX_LETTERS = 3, 8
BLOCKLISTS = Path(__file__).parent / "words" / "blocklist"
# Endings an exact entry also blocks (English, Dutch and French inflections, roughly).
INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "e", "en", "n", "t", "te", "ten", "x")
_PLAIN = re.compile(rf"[a-z]{{{MIN_LETTERS},{MAX_LETTERS}}}")


def fold(text: str) -> str:
    """Lower case, accents removed (NFKD without combining marks): "Élève" -> "eleve"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Blocklist:
    """Every language's entries together: exact words, prefixes ("stem*") and parts ("*x*")."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    parts: tuple[str, ...]

    @staticmethod
    @cache
    def load(folder: Path = BLOCKLISTS) -> Blocklist:
        words: set[str] = set()
        prefixes: set[str] = set()
        parts: set[str] = set()
        for path in sorted(folder.glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith("#"):
                    continue
                for entry in (fold(e) for e in line.split()):
                    if entry.startswith("*") and entry.endswith("*"):
                        parts.add(entry.strip("*"))
                    elif entry.endswith("*"):
                        prefixes.add(entry.rstrip("*"))
                    else:
                        words.add(entry)
        return Blocklist(frozenset(words), tuple(sorted(prefixes)), tuple(sorted(parts)))

    def blocks(self, word: str) -> bool:
        """True when `word` (folded) is an entry or an entry with an inflection (INFLECTIONS:
        "die" blocks "died", "huil" "huilen"), starts with a prefix or contains a part."""
        folded = fold(word)
        stems = {folded} | {folded[: -len(end)] for end in INFLECTIONS if folded.endswith(end)}
        return (
            bool(stems & self.words)
            or folded.startswith(self.prefixes)
            or any(part in folded for part in self.parts)
        )


def acceptable(word: str, blocked: Blocklist) -> bool:
    """Lower case as written, 3-8 letters a-z after folding, and not blocked."""
    return word == word.lower() and bool(_PLAIN.fullmatch(fold(word))) and not blocked.blocks(word)
