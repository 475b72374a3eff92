"""The claim-code word lists keep their rules (docs/claim-codes.md): 2048 words a language, 3 to 8
letters a-z, none blocked by any language's blocklist, none equal to another after folding, 88
bits a code; and the blocklist rules block what they say."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_core.services.rights import claims
from helpline_core.services.rights.wordrules import (
    BLOCKLISTS,
    INFLECTIONS,
    LIST_SIZE,
    Blocklist,
    acceptable,
    fold,
)


@pytest.mark.parametrize("language", claims.LANGUAGES)
def test_every_word_keeps_the_rules(language: str) -> None:
    words = claims.words(language)
    blocked = Blocklist.load()
    assert len(words) == LIST_SIZE
    assert len({fold(w) for w in words}) == LIST_SIZE  # no two alike after folding
    assert [w for w in words if not re.fullmatch(r"[a-z]{3,8}", w)] == []
    assert [w for w in words if not acceptable(w, blocked)] == []


def test_a_code_holds_at_least_80_bits() -> None:
    assert claims.WORDS_PER_CODE * math.log2(LIST_SIZE) == 88


@pytest.mark.parametrize(
    "word",
    ["abuser", "kill", "killed", "rape", "dead", "died", "sexual", "moord", "gedood", "huilen",
     "verkrachting", "kindermisbruik", "viol", "mort", "deces", "putain", "pedofiel", "geile",
     "sexuelle", "attentat", "battu", "lieverd", "zwijgen", "pik"],
)  # fmt: skip
def test_words_a_frightened_visitor_must_not_read_are_blocked(word: str) -> None:
    assert Blocklist.load().blocks(word)
    assert all(fold(word) not in claims.words(language) for language in claims.LANGUAGES)


def test_the_blocklists_are_well_formed() -> None:
    for path in sorted(BLOCKLISTS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                for entry in line.split():
                    assert re.fullmatch(r"\*?[a-z-]+\*?", fold(entry)), (path.name, entry)


blocked = Blocklist.load()
letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=5)


@given(st.sampled_from(blocked.parts), letters, letters)
def test_a_part_blocks_every_word_that_contains_it(part: str, before: str, after: str) -> None:
    assert blocked.blocks(before + part + after)


@given(st.sampled_from(blocked.prefixes), letters)
def test_a_prefix_blocks_every_word_it_starts(prefix: str, after: str) -> None:
    assert blocked.blocks(prefix + after)


@given(st.sampled_from(sorted(blocked.words)), st.sampled_from(("", *INFLECTIONS)))
def test_an_entry_blocks_itself_and_its_inflections(word: str, ending: str) -> None:
    assert blocked.blocks(word + ending) and blocked.blocks(word.upper())


@given(st.sampled_from(claims.words("fr")))
def test_accents_do_not_hide_a_word(word: str) -> None:
    accented = word.replace("e", "é", 1)
    assert fold(accented) == word
