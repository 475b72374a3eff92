"""Detectors that work on words: names of people, places, streets and institutions (the lists of
lexicon.py, matched case-insensitively), trigger phrases ("ik ben", "mijn stiefpa", "je
m'appelle", "my stepdad"), addresses, postcodes with their town, and social-media handles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from helpline_core.anonymise.labels import Label
from helpline_core.anonymise.lexicon import TOKEN, Lexicon, fold
from helpline_core.anonymise.spans import Span

I = re.IGNORECASE
MAX_PHRASE = 6

# The word(s) after these name a person, unless they are an ordinary word ("ik ben bang").
NAME_TRIGGERS = re.compile(
    r"\b(?:ik\s+ben|k\s+ben|kben|ik\s+heet|kheet|k\s+heet|ik\s+noem|mijn\s+naam\s+is|men\s+naam"
    r"\s+is|mn\s+naam\s+is|naam\s*:|heet|heette|noemt|je\s+m'appelle|je\s+m\s+appelle|jm'appelle"
    r"|moi\s+c'est|mon\s+nom\s+est|je\s+suis|s'appelle|i'?m|i\s+am|my\s+name\s+is|my\s+name's"
    r"|call\s+me|named|called|this\s+is|met|groetjes|groeten|groetjes,|vriendelijke\s+groeten"
    r"|mvg|bien\s+à\s+vous|cordialement|bisous|regards|kind\s+regards|cheers|thanks|love"
    r"|(?:mijn|m'n|mn|men|mijne|ma|mon|my|onze|ons|our|notre|zijn|haar|his|her|son|sa)\s+"
    r"(?:\w+\s+)?(?:vriend|vriendje|vriendin|vriendinnetje|lief|liefje|broer|broertje|zus|zusje"
    r"|zuster|stiefvader|stiefpa|stiefpapa|stiefmoeder|stiefma|plusvader|pluspapa|plusmama"
    r"|vader|moeder|papa|mama|pa|ma|opa|oma|nonkel|oom|tante|neef|nicht|buurman|buurvrouw"
    r"|leraar|lerares|leerkracht|juf|meester|coach|trainer|baas|chef|collega|man|vrouw|ex|zoon"
    r"|dochter|kleinzoon|kleindochter|schoonvader|schoonmoeder|partner|vent|stiefbroer"
    r"|stiefzus|halfbroer|halfzus|mari|copain|copine|frère|soeur|sœur|père|mère|beau-père"
    r"|belle-mère|oncle|tante|cousin|cousine|voisin|voisine|prof|professeur|fils|fille|femme"
    r"|petit\s+ami|petite\s+amie|patron|stepdad|stepfather|stepmum|stepmom|stepmother|dad"
    r"|father|mum|mom|mother|brother|sister|boyfriend|girlfriend|husband|wife|uncle|aunt"
    r"|cousin|neighbour|neighbor|teacher|friend|best\s+friend|son|daughter|boss|grandad"
    r"|grandpa|grandma|nan|stepbrother|stepsister)|juf|meester|meneer|mevrouw|mevr\.?|dhr\.?"
    r"|mr\.?|mrs\.?|ms\.?|miss|sir|madame|mme|monsieur|m\.|mademoiselle|mlle|dokter|dr\.?"
    r"|docteur|doctor)\s*,?\s*$",
    I,
)
PLACE_PREPOSITIONS = frozenset(
    "in uit te naar bij rond vlakbij nabij à a au en de near from to at".split()
)
STREET_SUFFIX = (
    r"straat|str\.|laan|lei|steenweg|stwg|weg|plein|dreef|baan|kaai|markt|hof|pad|dijk|vest"
    r"|singel|gracht|berg|veld|wijk|park|ring|heide|kouter|dam|brug|poort|hoek|vliet|akker"
    r"|gaarde|straatje|dries|bos|kade"
)
NUMBER = r"\d{1,4}\s?[a-z]?(?:\s*(?:bus|b\.?|bte|boîte|boite|/|-)\s*\d{1,4}[a-z]?)?"
ADDRESSES = [
    re.compile(
        rf"\b(?-i:[A-ZÀ-Ý][\w'\-]*\.?\s+){{0,2}}[\w'\-]*(?:{STREET_SUFFIX})\s*,?\s*{NUMBER}(?!\w)",
        I,
    ),
    re.compile(
        r"\b(?:rue|avenue|av\.|chaussée|chée|boulevard|bd|place|chemin|allée|impasse|quai|clos"
        r"|square|route|drève)\s+(?:(?:de\s+la|de\s+l'|du|des|de|d'|la|le|l')\s*)?[\w'\-]+"
        rf"(?:\s+(?-i:[A-ZÀ-Ý])[\w'\-]+){{0,2}}\s*,?\s*{NUMBER}(?!\w)",
        I,
    ),
    re.compile(
        r"\b\d{1,4}\s*,?\s+(?:rue|avenue|boulevard|chemin|allée|place)\s+(?:(?:de\s+la|de\s+l'|du"
        r"|des|de|d')\s*)?[\w'\-]+(?:\s+(?-i:[A-ZÀ-Ý])[\w'\-]+){0,2}",
        I,
    ),
    re.compile(
        r"\b\d{1,4}[a-z]?\s+(?:[A-Z][a-z]+\s+){1,2}(?:Street|St|Road|Rd|Lane|Avenue|Ave|Drive"
        r"|Close|Way|Crescent|Gardens|Place|Square)\b\.?",
    ),
]
INSTITUTION_WORDS = (
    r"(?:basis|lagere|kleuter|middelbare|secundaire|hoge|muziek|kunst|sport|freinet|steiner)?"
    r"school|atheneum|athenee|athénée|college|collège|lyceum|lycée|instituut|institut|academie"
    r"|campus|kta|bso|tso|go!|école|ecole|universiteit|université|ziekenhuis|kliniek|hôpital"
    r"|hopital|clinique|hospital|az|uz|zna|gza|chu|chr|psychiatrisch\s+centrum|pc|internaat"
    r"|jeugdhuis|chiro|scouts|ksa|kazou|home|voetbalclub|fc|kfc|sk"
)
INSTITUTIONS = re.compile(
    rf"\b(?:{INSTITUTION_WORDS})(?:\s+(?:de|het|'t|sint|st\.?|saint|sainte|ste|onze-lieve"
    r"-vrouw|olv|van|du|de\s+la|des|of|the))?(?:\s+(?-i:[A-ZÀ-Ý0-9])[\w'!\-]*|\s+[\w\-]+(?="
    r"\s+(?:in|te|à|at)\b)){1,3}",
    I,
)
INSTITUTION_SUFFIX = re.compile(
    r"\b[\w\-]{3,}(?:college|instituut|atheneum|lyceum|school|ziekenhuis|kliniek)\b", I
)
WORK_TRIGGER = re.compile(
    r"\b(?:werk|werkt|werken|werkte|job|stage|travaille|bosse|work|works|worked)\s+"
    r"(?:bij|in|voor|op|chez|à|au|at|for)\s+(?:de\s+|het\s+|'t\s+|la\s+|le\s+|the\s+)?"
    r"([\w'&\-]+(?:\s+(?-i:[A-Z])[\w'&\-]*)?)",
    I,
)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]{2,30}[A-Za-z0-9_]")
DISCORD = re.compile(r"\b[\w.]{2,32}#\d{4}\b")
PLATFORM = re.compile(
    r"\b(?:snap(?:chat)?|insta(?:gram)?|ig|tiktok|tt|discord|roblox|fortnite|minecraft|steam"
    r"|psn|xbox|gamertag|twitch|telegram|twitter|fb|facebook|pseudo|username|user|gebruikersnaam"
    r"|account|accountnaam|profiel|profile|handle|nickname|naam\s+op\s+\w+)\s*(?:is|:|=|\-|est"
    r"|als|as|comme|naam|name|account|id|heet|noemt)?\s*:?\s*(?:als|as|comme)?\s*"
    r"(@?[\w.\-]{3,32}(?:#\d{4})?)",
    I,
)
HANDLE_LIKE = re.compile(
    r"(?<![\w@./:-])(?=[a-z0-9_.]*[a-z])(?:[a-z][a-z0-9]*_[a-z0-9_.]+|[a-z]{2,}\d{2,}[a-z0-9_]*"
    r"|[a-z]{3,}\.[a-z]{3,}\d*|x+[a-z]+x+)(?![\w@/-])",
    I,
)


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
    return [Token(m.start(), m.end(), m.group(), fold(m.group())) for m in TOKEN.finditer(text)]


def _sentence_start(text: str, token: Token) -> bool:
    before = text[: token.start].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?\n:;"


class WordDetector:
    """Names, places, streets and handles in one pass over the words of a message."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lx = lexicon

    def ordinary(self, key: str) -> bool:
        """An ordinary word (never a name) unless it is one of the names that beat words."""
        return key in self.lx.common_words or key in self.lx.keep

    def find(self, text: str) -> Iterator[Span]:
        words = tokens(text)
        yield from self._phrases(text, words)
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
                if town or words[i + 1].capitalised:
                    end = words[i + (town or 1)].end
                    start = word.start - 2 if text[max(0, word.start - 2) : word.start] in (
                        "B-",
                        "b-",
                    ) else word.start
                    yield Span(start, end, Label.POSTCODE_CITY)
                    i += 1 + (town or 1)
                    continue
            found = False
            for group, label in (
                (lx.institutions, Label.PLACE),
                (lx.streets, Label.ADDRESS),
                (lx.places, Label.PLACE),
            ):
                length = self._longest(words, i, group)
                if not length:
                    continue
                if length == 1 and not self._place_like(text, words, i, label):
                    continue
                yield Span(word.start, words[i + length - 1].end, label)
                i += length
                found = True
                break
            if not found:
                i += 1

    def _longest(self, words: list[Token], i: int, group: frozenset[str]) -> int:
        for length in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            key = " ".join(w.key for w in words[i : i + length])
            if key in group:
                return length
        return 0

    def _place_like(self, text: str, words: list[Token], i: int, label: Label) -> bool:
        word = words[i]
        if word.key in self.lx.keep or word.key in self.lx.name_words:
            return False
        if label is Label.ADDRESS:
            return re.search(rf"(?:{STREET_SUFFIX})$", word.key) is not None
        if not self.ordinary(word.key):
            return True
        before = words[i - 1].key if i else ""
        mid_capital = word.capitalised and not _sentence_start(text, word)
        return (mid_capital or before in PLACE_PREPOSITIONS) and len(word.key) > 2

    def _names(self, text: str, words: list[Token]) -> Iterator[Span]:
        """First names from the lists (and a surname after them); capitalised list names."""
        lx = self.lx
        i = 0
        while i < len(words):
            word = words[i]
            key = word.key
            is_first = key in lx.first_names or key in lx.name_words
            mid_capital = word.capitalised and not _sentence_start(text, word)
            if key in lx.keep or len(key) < 2 or key.isdigit():
                i += 1
                continue
            named = (is_first and (not self.ordinary(key) or key in lx.name_words)) or (
                mid_capital
                and (is_first or key in lx.surnames)
                and not word.text.isupper()
                and key not in lx.common_words - lx.first_names - lx.surnames
            )
            if not named:
                i += 1
                continue
            end = self._surname_end(words, i + 1)
            yield Span(word.start, words[end - 1].end if end > i + 1 else word.end, Label.PERSON)
            i = max(end, i + 1)

    def _surname_end(self, words: list[Token], j: int) -> int:
        """Index after a surname that follows a first name: "peeters", "de smet", "van den broeck"."""
        lx = self.lx
        k = j
        while k < len(words) and k - j < 3 and words[k].key in lx.particles:
            k += 1
        if k < len(words) and (
            words[k].key in lx.surnames
            and (k > j or words[k].capitalised or not self.ordinary(words[k].key))
        ):
            if words[k].start - words[k - 1].end <= 2 or k == j:
                return k + 1
        return j

    def _triggered(self, text: str, words: list[Token]) -> Iterator[Span]:
        """The word after "ik ben", "mijn stiefpa", "je m'appelle", "my stepdad": a name unless it
        is an ordinary word (foreign names are in no list)."""
        for index, word in enumerate(words):
            if word.key in self.lx.keep or word.key.isdigit():
                continue
            if self.ordinary(word.key) and word.key not in self.lx.name_words:
                if not (word.capitalised and not _sentence_start(text, word)):
                    continue
                if word.key not in self.lx.first_names | self.lx.surnames:
                    continue
            if not NAME_TRIGGERS.search(text[max(0, word.start - 40) : word.start]):
                continue
            if not word.text.replace("-", "").replace("'", "").isalpha():
                continue
            end = self._surname_end(words, index + 1)
            last = words[end - 1].end if end > index + 1 else word.end
            yield Span(word.start, last, Label.PERSON)

    def _regex(self, text: str) -> Iterator[Span]:
        for pattern in ADDRESSES:
            for m in pattern.finditer(text):
                yield Span(m.start(), m.end(), Label.ADDRESS)
        for m in INSTITUTIONS.finditer(text):
            yield Span(m.start(), m.end(), Label.PLACE)
        for m in INSTITUTION_SUFFIX.finditer(text):
            if fold(m.group()) not in self.lx.common_words:
                yield Span(m.start(), m.end(), Label.PLACE)
        for m in WORK_TRIGGER.finditer(text):
            name = fold(m.group(1)).split()[0]
            if name not in self.lx.common_words and name not in self.lx.keep:
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
