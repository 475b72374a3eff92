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
    BOUNDARY_AFTER,
    DETERMINERS,
    DIMINUTIVE_SUFFIXES,
    DISCORD,
    ELIDED,
    HANDLE,
    HANDLE_LIKE,
    HOUSE_NUMBER,
    IDENTITY,
    INSTITUTION_SUFFIX,
    NAME_TRIGGERS,
    NAMING,
    PLACE_PREPOSITIONS,
    PLATFORM,
    RELATION_START,
    SCHOOL_WORD,
    STATE_WORDS,
    STREET_SUFFIX,
    TITLES,
    WORK_TRIGGER,
)
from helpline_core.anonymise.labels import Label
from helpline_core.anonymise.lexicon import MAX_PHRASE, TOKEN, Lexicon, fold
from helpline_core.anonymise.spans import Span

POSTCODE_PREFIX = re.compile(r"(?:b|be)-(\d{4})")


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
            code = self._postcode(text, words, i)
            if code is not None:
                yield code
                i += 1
                continue
            if word.key in lx.postcodes and i + 1 < len(words):
                town = self._longest(words, i + 1, lx.places)
                if town or (words[i + 1].capitalised and not self.ordinary(words[i + 1].key)):
                    end = words[i + (town or 1)].end
                    prefix = re.search(
                        r"\b(?:B|BE)[ -]?$", text[max(0, word.start - 3) : word.start]
                    )
                    start = word.start - len(prefix.group()) if prefix else word.start
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

    def _postcode(self, text: str, words: list[Token], i: int) -> Span | None:
        """ "B-2930 Brasschaat", "BE-1000 Brussel" (one token with its country letters), or a
        postcode alone after a place preposition: "wij wonen in de 2060", "il habite à 1080"."""
        word, lx = words[i], self.lx
        prefixed = POSTCODE_PREFIX.fullmatch(word.key)
        if prefixed and prefixed.group(1) in lx.postcodes:
            end = word.end
            town = self._longest(words, i + 1, lx.places) if i + 1 < len(words) else 0
            if town and words[i + 1].start - word.end <= 2:
                end = words[i + town].end
            return Span(word.start, end, Label.POSTCODE_CITY)
        if word.key not in lx.postcodes or i == 0:
            return None
        before = i - 1
        if words[before].key in ("de", "den", "le", "la") and before > 0:
            before -= 1
        if words[before].text.lower() not in PLACE_PREPOSITIONS:
            return None
        if before == i - 1 and 1900 <= int(word.key) <= 2099:
            return None  # "in 2019" is a year; "in de 2060" a postcode
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is not None and (nxt.key in lx.places or nxt.key.isdigit()):
            return None  # the postcode + town path, or a run of digits
        if re.match(r"\s*[-/.:,]?\d", text[word.end : word.end + 3]):
            return None
        return Span(word.start, word.end, Label.POSTCODE_CITY)

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
            initial = self._initial_surname(text, words, i)
            if initial:
                yield Span(word.start, words[initial - 1].end, Label.PERSON)
                i = initial
                continue
            if key in lx.keep or key in lx.stop_words or len(key) < 2 or key.isdigit():
                i += 1
                continue
            if self.elided(key) or self._noun_after_determiner(text, words, i):
                i += 1
                continue
            if not is_first and self.diminutive(word):
                yield Span(word.start, word.end, Label.PERSON)
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

    def elided(self, key: str) -> bool:
        """ "c'est", "j'en", "qu'il": an elided French word before an ordinary one."""
        m = ELIDED.fullmatch(key)
        return m is not None and (self.ordinary(m.group(1)) or m.group(1) in self.lx.stop_words)

    def diminutive(self, word: Token) -> bool:
        """A Flemish diminutive of a listed first name: "jensje", "Lisa'ke", "Warreke",
        "Fienneke", "Wolfje". The diminutive is no ordinary word ("meisje"); a base that is also a
        word ("wolf") counts only written with a capital."""
        key = word.key
        if self.ordinary(key) or key in self.lx.stop_words:
            return False
        for suffix in DIMINUTIVE_SUFFIXES:
            if not key.endswith(suffix) or len(key) - len(suffix) < 3:
                continue
            base = key[: -len(suffix)].rstrip("'")
            for stem in (base, base + "e", base[:-1] if base[-1:] == base[-2:-1] else ""):
                if len(stem) < 3 or stem not in self.lx.first_names | self.lx.name_words:
                    continue
                if stem in self.lx.stop_words or stem in self.lx.keep:
                    continue
                if not self.ordinary(stem) or stem in self.lx.name_words or word.capitalised:
                    return True
        return False

    def _noun_after_determiner(self, text: str, words: list[Token], i: int) -> bool:
        """A name that is also a word, in lower case after a determiner, is the word: "een roos",
        "une pierre", "mon pull rose", "un lien"."""
        word = words[i]
        if word.key not in self.lx.word_names and not (
            word.key in self.lx.first_names and self.ordinary(word.key)
        ):
            return False
        if word.capitalised and not _sentence_start(text, word):
            return False
        if i and words[i - 1].key in DETERMINERS and text[words[i - 1].end : word.start].isspace():
            return True
        return (
            i > 1
            and text[words[i - 2].end : word.start].replace(words[i - 1].text, "").isspace()
            and words[i - 2].key in DETERMINERS
            and words[i - 1].text.islower()
            and self.ordinary(words[i - 1].key)
        )

    def _initial_surname(self, text: str, words: list[Token], i: int) -> int:
        """ "J. Peeters", "dr. L. Vermeulen", "L Vermeulen": a capital initial and a surname;
        the index after the surname, or 0."""
        word = words[i]
        if len(word.text) != 1 or not word.text.isupper() or i + 1 >= len(words):
            return 0
        nxt = words[i + 1]
        gap = text[word.end : nxt.start]
        if not nxt.capitalised or nxt.text.isupper() or gap not in (". ", ".", " "):
            return 0
        if gap == " " and word.text in "IA":
            return 0  # "I Will", "A Peeters..." in English
        end = self._surname_end(words, i + 1)
        if end > i + 1:
            listed = " ".join(w.key for w in words[i + 1 : end]) in self.lx.surnames
            if listed or gap != " ":
                return end
        return 0

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
            trigger = m.group(1)
            relation = RELATION_START.match(trigger) is not None
            of_form = re.search(r"\s(?:de|d'|van)\s*$", trigger, re.IGNORECASE) is not None
            mid_capital = word.capitalised and not _sentence_start(text, word)
            if (
                relation
                and mid_capital
                and len(key) > 2
                and key not in self.lx.keep
                and word.text.isalpha()
                and not word.text.isupper()
                and key not in self.lx.places
                and key not in TITLES
            ):
                end = self._surname_end(words, index + 1)  # "my moms boyfriend Will", "tonton Papy"
                yield Span(word.start, words[end - 1].end, Label.PERSON)
                continue
            # "meneer de smet", "mevrouw Van den B."
            if key in self.lx.particles and relation and not of_form:
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
            if self.elided(key):
                continue
            naming = relation or NAMING.match(trigger) is not None
            if IDENTITY.match(trigger) and listed_first and key not in STATE_WORDS:
                # "ik ben iris en ...", "c fleur, la petite ...": the clause ends after the name
                naming = naming or BOUNDARY_AFTER.match(text, word.end) is not None
            if re.fullmatch(r"c(?:'est)?\s*,?\s*", trigger, re.IGNORECASE) and not (
                listed_first or capital_name
            ):
                continue  # "c'est grave", "c ptdr": only a listed name after a bare "c'est"
            if self.ordinary(key) and not (capital_name or (naming and listed_first)):
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
