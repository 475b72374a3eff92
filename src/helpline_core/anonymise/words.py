"""Detectors that work on words: names of people, places, streets and institutions (the lists of
lexicon.py, matched case-insensitively), trigger phrases ("ik ben", "mijn stiefpa", "je
m'appelle", "my stepdad"), addresses, postcodes with their town, and social-media handles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from helpline_core.anonymise.labels import Label
from helpline_core.anonymise.lexicon import MAX_PHRASE, TOKEN, Lexicon, fold
from helpline_core.anonymise.spans import Span

IC = re.IGNORECASE
ARTICLES = frozenset(
    [
        "de",
        "het",
        "'t",
        "den",
        "der",
        "sint",
        "st",
        "saint",
        "sainte",
        "ste",
        "la",
        "le",
        "les",
        "du",
        "des",
        "l'",
        "d'",
        "van",
    ]
)
SCHOOL_WORD = re.compile(
    r"(?:basis|lagere|kleuter|middelbare|secundaire|hoge|muziek|kunst|sport)?school|atheneum"
    r"|athenee|athénée|college|collège|lyceum|lycée|instituut|institut|academie|kta|bso|tso|école"
    r"|ecole|ziekenhuis|kliniek|hôpital|hopital|clinique|hospital|az|uz|zna|gza|chu|chr|internaat"
    r"|lycee|college|athenee|institut|universiteit|universite|hogeschool"
    r"|jeugdhuis|chiro|scouts|ksa|voetbalclub|fc|kfc",
    IC,
)

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
    r"|docteur|doctor)\s*,?\s*",
    IC,
)
# The relations and titles of NAME_TRIGGERS: after these a first name counts even where it is
# also an ordinary word ("mijn stiefpa tuur", "my stepdad mark").
RELATION_START = re.compile(
    r"^(?:mijn|m'n|mn|men|mijne|ma|mon|my|onze|ons|our|notre|zijn|haar|his|her|son|sa|juf"
    r"|meester|meneer|mevrouw|mevr|dhr|mr|mrs|ms|miss|madame|mme|monsieur|mademoiselle|mlle"
    r"|dokter|dr|docteur|doctor)\b",
    IC,
)
PLACE_PREPOSITIONS = frozenset(
    [
        "in",
        "uit",
        "te",
        "naar",
        "bij",
        "rond",
        "vlakbij",
        "nabij",
        "à",
        "a",
        "au",
        "en",
        "de",
        "near",
        "from",
        "to",
        "at",
    ]
)
STREET_SUFFIX = (
    r"straat|str\.|laan|lei|steenweg|stwg|weg|plein|dreef|baan|kaai|markt|hof|pad|dijk|vest"
    r"|singel|gracht|berg|veld|wijk|park|ring|heide|kouter|dam|brug|poort|hoek|vliet|akker"
    r"|gaarde|straatje|dries|bos|kade"
)
# A house number (1 to 3 digits: four are a postcode), a letter, a box: "12", "3A", "12 bus 3".
NUMBER = (
    r"\d{1,3}(?!\d)(?:\s?[a-z](?![a-z]))?"
    r"(?:\s*(?:bus|bte|boîte|boite|b\.?|/|-)\s*\d{1,4}[a-z]?(?![a-z]))?"
)
HOUSE_NUMBER = re.compile(rf"\s*,?\s*(?:nr\.?\s*)?{NUMBER}(?![\w:.,/-]*\d)", IC)
ADDRESSES = [
    re.compile(
        rf"(?<![\w'\-])(?-i:[A-ZÀ-Ý][\w'\-]*\.?\s+){{0,2}}[\w'\-]*(?:{STREET_SUFFIX})\s*,?\s*"
        rf"{NUMBER}(?!\w)",
        IC,
    ),
    re.compile(
        r"\b(?:rue|avenue|av\.|chaussée|chée|boulevard|bd|place|chemin|allée|impasse|quai|clos"
        r"|square|route|drève)\s+(?:(?:de\s+la|de\s+l'|du|des|de|d'|la|le|l')\s*)?[\w'\-]+"
        rf"(?:\s+(?-i:[A-ZÀ-Ý])[\w'\-]+){{0,2}}\s*,?\s*{NUMBER}(?!\w)",
        IC,
    ),
    re.compile(
        r"\b\d{1,4}\s*,?\s+(?:rue|avenue|boulevard|chemin|allée|place|chaussée|chée|drève|quai"
        r"|square|impasse|clos|route)\s+(?:(?:de\s+la|de\s+l'|du"
        r"|des|de|d')\s*)?[\w'\-]+(?:\s+(?-i:[A-ZÀ-Ý])[\w'\-]+){0,2}",
        IC,
    ),
    re.compile(
        r"\b\d{1,4}[a-z]?\s+(?:[A-Z][a-z]+\s+){1,2}(?:Street|St|Road|Rd|Lane|Avenue|Ave|Drive"
        r"|Close|Way|Crescent|Gardens|Place|Square)\b\.?",
    ),
]
INSTITUTION_SUFFIX = re.compile(
    r"(?<![\w\-])[\w\-]{3,}(?:college|instituut|atheneum|lyceum|school|ziekenhuis|kliniek)\b", IC
)
WORK_TRIGGER = re.compile(
    r"\b(?:werk|werkt|werken|werkte|job|stage|travaille|bosse|work|works|worked)\s+"
    r"(?:bij|in|voor|op|chez|à|au|at|for)\s+(?:de\s+|het\s+|'t\s+|la\s+|le\s+|the\s+)?"
    r"([\w'&\-]+(?:\s+(?-i:[A-Z])[\w'&\-]*){0,3})",
    IC,
)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]{2,30}[A-Za-z0-9_]")
DISCORD = re.compile(r"\b[\w.]{2,32}#\d{4}\b")
PLATFORM = re.compile(
    r"\b(?:snap(?:chat)?|insta(?:gram)?|ig|tiktok|tt|discord|roblox|fortnite|minecraft|steam"
    r"|psn|xbox|gamertag|twitch|telegram|twitter|fb|facebook|pseudo|username|user|gebruikersnaam"
    r"|account|accountnaam|profiel|profile|handle|nickname|compte|naam\s+op\s+\w+)\b\s*(?:is|:|=|\-|est|c'est"
    r"|als|as|comme|naam|name|account|id|heet|noemt)?\s*:?\s*(?:als|as|comme)?\s*"
    r"(@?[\w.\-]{3,32}(?:#\d{4})?)",
    IC,
)
HANDLE_LIKE = re.compile(
    r"(?<![\w@./:{-])(?=[a-z0-9_.]*[a-z])(?:[a-z][a-z0-9.]*_[a-z0-9_.]*|[a-z]{2,}\d{2,}[a-z0-9_]*"
    r"|[a-z]{3,}\.[a-z]{3,}\d*|x+[a-z]+x+)(?![\w@/-])",
    IC,
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
        before = words[i - 1].key if i else ""
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
            index = starts.get(m.end())
            if index is None:
                continue
            word = words[index]
            key = word.key
            if key in self.lx.keep or key in self.lx.stop_words or key.isdigit():
                continue
            if not word.text.replace("-", "").replace("'", "").isalpha():
                continue
            relation = RELATION_START.match(m.group()) is not None
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
