"""Detectors that work on words: names of people, places, streets and institutions (the lists of
lexicon.py, matched case-insensitively), trigger phrases ("ik ben", "mijn stiefpa", "je
m'appelle", "my stepdad"), addresses, postcodes with their town, and social-media handles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from helpline_core.anonymise.cues import (
    ADDRESSES,
    ARTICLES,
    DISCORD,
    HANDLE,
    HANDLE_LIKE,
    HOUSE_NUMBER,
    INSTITUTION_SUFFIX,
    NAME_TRIGGERS,
    PLACE_PREPOSITIONS,
    PLATFORM,
    RELATION_START,
    SCHOOL_WORD,
    STREET_SUFFIX,
    WORK_TRIGGER,
)
from helpline_core.anonymise.labels import Label
from helpline_core.anonymise.lexicon import MAX_PHRASE, TOKEN, Lexicon, fold
from helpline_core.anonymise.spans import Span


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    key: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokens(text: str) -> list[Token]:
    """Words with their folded keys; a possessive 's stays outside the word ("lisa's")."""
    found = []
    for m in TOKEN.finditer(text):
        word = m.group()
        if len(word) > 3 and word[-2] in "'’" and word[-1] in "sS":
            word = word[:-2]
        found.append(Token(m.start(), m.start() + len(word), word, fold(word)))
    return found


def _sentence_start(text: str, token: Token) -> bool:
    before = text[: token.start].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?\n:;"


class WordDetector:
    """Names, places, streets and handles in one pass over the words of a message."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lx = lexicon
        self._listed_names = lexicon.first_names | lexicon.surnames

    def ordinary(self, key: str) -> bool:
        """An ordinary word (never a name) unless it is one of the names that beat words."""
        return key in self.lx.common_words or key in self.lx.keep

    def find(self, text: str) -> Iterator[Span]:
        words = tokens(text)
        yield from self._phrases(text, words)
        yield from self._institutions(text, words)
        yield from self._names(text, words)
        yield from self._triggered(text, words)
        yield from self._regex(text)

    def _phrases(self, text: str, words: list[Token]) -> Iterator[Span]:
        """Places, streets, institutions and postcode + town, longest match first."""
        lx = self.lx
        i = 0
        while i < len(words):
            word = words[i]
            if word.key in lx.postcodes and i + 1 < len(words):
                town = self._longest(words, i + 1, lx.places)
                if town or (words[i + 1].capitalised and not self.ordinary(words[i + 1].key)):
                    end = words[i + (town or 1)].end
                    prefix = text[max(0, word.start - 2) : word.start]
                    start = word.start - 2 if prefix in ("B-", "b-") else word.start
                    yield Span(start, end, Label.POSTCODE_CITY)
                    i += 1 + (town or 1)
                    continue
            if word.key in lx.stop_words:
                i += 1
                continue
            found = 0
            for group, label in (
                (lx.institutions, Label.PLACE),
                (lx.streets, Label.ADDRESS),
                (lx.places, Label.PLACE),
                (lx.minor_places, Label.PLACE),
            ):
                length = self._longest(words, i, group)
                if not length or not self._place_like(text, words, i, length, label, group):
                    continue
                end = words[i + length - 1].end
                if label is Label.ADDRESS:
                    number = HOUSE_NUMBER.match(text, end)
                    end = number.end() if number else end
                yield Span(word.start, end, label)
                found = length
                break
            i += found or 1

    def _longest(self, words: list[Token], i: int, group: frozenset[str]) -> int:
        for length in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            key = " ".join(w.key for w in words[i : i + length])
            if key in group:
                return length
        return 0

    def _place_like(
        self,
        text: str,
        words: list[Token],
        i: int,
        length: int,
        label: Label,
        group: frozenset[str],
    ) -> bool:
        word, last = words[i], words[i + length - 1]
        if word.key in self.lx.keep or (length == 1 and word.key in self.lx.name_words):
            return False
        if label is Label.ADDRESS:
            suffix = re.search(rf"(?:{STREET_SUFFIX})$", last.key)
            # "Kerkstraat", "Grote Markt": a street by its shape; "weg" or "markt" alone is a word.
            if suffix and (suffix.start() > 2 or length > 1) and word.key not in self.lx.stop_words:
                return True
            # A street called like a word ("Bel", "Meir") only with a house number after it, and
            # only if the word is not an ordinary one: "bel 101" is a phone call.
            numbered = HOUSE_NUMBER.match(text, last.end) is not None
            key = " ".join(w.key for w in words[i : i + length])
            return numbered and not self.ordinary(key)
        mid_capital = word.capitalised and not _sentence_start(text, word)
        if group is self.lx.minor_places:
            return mid_capital and not self.ordinary(word.key)
        if length > 1:
            # "Move a lot" is a care service's name, but in lower case it is only words.
            phrase = words[i : i + length]
            plain = all(self.ordinary(w.key) or w.key in self.lx.stop_words for w in phrase)
            return not plain or any(w.capitalised for w in phrase)
        if not self.ordinary(word.key):
            return len(word.key) > 2
        if group is self.lx.institutions:
            return False  # a one-word institution that is also a word ("Game"): too unsure
        before = words[i - 1].text.lower() if i else ""  # "à", not its folded "a"
        return (mid_capital or before in PLACE_PREPOSITIONS) and len(word.key) > 2

    def _institutions(self, text: str, words: list[Token]) -> Iterator[Span]:
        """A school, hospital or club word and the name after it: "basisschool de regenboog",
        "GO! atheneum Mol", "AZ Groeninge", "het atheneum van Lier"."""
        for i, word in enumerate(words):
            if not SCHOOL_WORD.fullmatch(re.sub(r"^[ld]'", "", word.key)):
                continue
            j, named = i + 1, i
            while j < len(words) and j - i <= 4 and words[j].start - words[j - 1].end <= 2:
                nxt = words[j]
                if nxt.key in ARTICLES:
                    j += 1
                    continue
                listed = nxt.key in self.lx.places or nxt.key in self.lx.first_names
                after_article = words[j - 1].key in ARTICLES and nxt.key not in self.lx.stop_words
                if (
                    (nxt.capitalised and nxt.key not in self.lx.stop_words)
                    or listed
                    or after_article
                    or not self.ordinary(nxt.key)
                ):
                    if nxt.key in self.lx.keep or nxt.key.isdigit():
                        break
                    named = j
                    j += 1
                    continue
                break
            first = i
            while (
                first > 0
                and words[first - 1].capitalised
                and words[first - 1].key not in self.lx.stop_words
                and not _sentence_start(text, words[first])
                and words[first].start - words[first - 1].end <= 3
            ):
                first -= 1
            if named > i or first < i:
                start = words[first].start
                if text[max(0, start - 4) : start].lower() == "go! ":
                    start -= 4
                yield Span(start, words[max(named, i)].end, Label.PLACE)
        for m in INSTITUTION_SUFFIX.finditer(text):
            if fold(m.group()) not in self.lx.common_words:
                yield Span(m.start(), m.end(), Label.PLACE)

    def _names(self, text: str, words: list[Token]) -> Iterator[Span]:
        """First names from the lists (and a surname after them); capitalised list names."""
        lx = self.lx
        i = 0
        while i < len(words):
            word = words[i]
            key = word.key
            is_first = key in lx.first_names or key in lx.name_words
            if key in lx.keep or key in lx.stop_words or len(key) < 2 or key.isdigit():
                i += 1
                continue
            mid_capital = word.capitalised and not _sentence_start(text, word)
            named = (is_first and (not self.ordinary(key) or key in lx.name_words)) or (
                mid_capital and key in self._listed_names and not word.text.isupper()
            )
            end = self._surname_end(words, i + 1)
            # A first name that is also a word ("griet", "roos") followed by a surname that is not.
            if not named and is_first and end > i + 1:
                named = not self.ordinary(" ".join(w.key for w in words[i + 1 : end]))
            if not named:
                i += 1
                continue
            yield Span(word.start, words[end - 1].end, Label.PERSON)
            i = end

    def _surname_end(self, words: list[Token], j: int) -> int:
        """Index after the surname that follows a first name at j - 1 ("peeters", "de smet",
        "van den broeck"), or j when none follows."""
        lx = self.lx
        for length in range(min(4, len(words) - j), 0, -1):
            part = words[j : j + length]
            if any(
                b.start - a.end > 2
                for a, b in zip(words[j - 1 : j + length - 1], part, strict=True)
            ):
                continue
            key = " ".join(w.key for w in part)
            if key not in lx.surnames or part[-1].key in lx.stop_words:
                continue
            if length == 1 and (key in lx.particles or key in lx.stop_words):
                continue
            return j + length
        if j < len(words) and words[j].start - words[j - 1].end <= 2:
            nxt = words[j]
            unknown = not self.ordinary(nxt.key) and nxt.key not in lx.stop_words
            if unknown and nxt.text.isalpha() and len(nxt.key) > 2:
                return j + 1  # a surname in no list ("Okafor") after a first name
        return j

    def _triggered(self, text: str, words: list[Token]) -> Iterator[Span]:
        """The word after "ik ben", "mijn stiefpa", "je m'appelle", "my stepdad": a name unless it
        is an ordinary word (foreign names are in no list)."""
        starts = {word.start: index for index, word in enumerate(words)}
        for m in NAME_TRIGGERS.finditer(text):
            index = starts.get(m.end(1))
            if index is None:
                continue
            word = words[index]
            key = word.key
            relation = RELATION_START.match(m.group(1)) is not None
            if key in self.lx.particles and relation:  # "meneer de smet", "mevrouw Van den B."
                end = self._surname_end(words, index)
                if end > index:
                    yield Span(word.start, words[end - 1].end, Label.PERSON)
                continue
            if key in self.lx.keep or key in self.lx.stop_words or key.isdigit():
                continue
            if not word.text.replace("-", "").replace("'", "").isalpha():
                continue
            listed_first = key in self.lx.first_names or key in self.lx.name_words
            capital_name = word.capitalised and key in self._listed_names
            if self.ordinary(key) and not (capital_name or (relation and listed_first)):
                continue
            end = self._surname_end(words, index + 1)
            yield Span(word.start, words[end - 1].end, Label.PERSON)

    def _regex(self, text: str) -> Iterator[Span]:
        for pattern in ADDRESSES:
            for m in pattern.finditer(text):
                yield Span(m.start(), m.end(), Label.ADDRESS)
        for m in INSTITUTION_SUFFIX.finditer(text):
            if fold(m.group()) not in self.lx.common_words:
                yield Span(m.start(), m.end(), Label.PLACE)
        for m in WORK_TRIGGER.finditer(text):
            name = fold(m.group(1)).split()[0]
            capital = m.group(1)[:1].isupper()
            if name in self.lx.keep or (name in self.lx.stop_words and not capital):
                continue
            if name not in self.lx.common_words or m.group(1)[:1].isupper():
                yield Span(m.start(1), m.end(1), Label.PLACE)
        for pattern in (HANDLE, DISCORD, HANDLE_LIKE):
            for m in pattern.finditer(text):
                yield Span(m.start(), m.end(), Label.USERNAME)
        for m in PLATFORM.finditer(text):
            handle = m.group(1)
            key = fold(handle.lstrip("@"))
            plain = key.isalpha() and (key in self.lx.common_words or key in self.lx.keep)
            if not plain:
                yield Span(m.start(1), m.end(1), Label.USERNAME)
