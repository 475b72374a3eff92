"""Detectors for structured identifiers: regular expressions proposing candidates, checked with
well-kept validators (python-stdnum for checksummed numbers, phonenumbers for telephone numbers,
the standard library's ipaddress for IP addresses)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

import phonenumbers
from stdnum import iban
from stdnum.be import bis, nn, vat

from helpline_core.anonymise.labels import Label
from helpline_core.anonymise.spans import Span

IC = re.IGNORECASE

EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,}", IC)
TLDS = "be|com|nl|fr|org|net|eu|io|tv|gg|me|ly|app|co|uk|info|lu|de|ch|ca|us"
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", IC)
# A bare host ("tiktok.com/@x"): one dotted run, matched atomically (no backtracking on long
# "a.a.a..." runs); its last label must be a top-level domain (checked in code).
HOST = re.compile(r"(?<![\w.\-@/])[\w\-]++(?:\.[\w\-]++)++(?:/[^\s<>\"]*)?", IC)
TLD_SET = frozenset(TLDS.split("|"))
# Sites where a path names a person (a profile); other sites in the keep list stay whole.
PLATFORMS = frozenset(
    [
        "instagram",
        "tiktok",
        "facebook",
        "fb",
        "snapchat",
        "youtube",
        "youtu",
        "twitter",
        "x",
        "discord",
        "twitch",
        "reddit",
        "linkedin",
        "t",
        "telegram",
        "onlyfans",
        "pinterest",
        "tumblr",
        "threads",
    ]
)
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", IC)
NATIONAL = re.compile(r"(?<![\d.])\d{2}[.\s]?\d{2}[.\s]?\d{2}[\s.\-]?\d{3}[\s.\-]?\d{2}(?![\d])")
NATIONAL_HINT = re.compile(
    r"(?:rijksregister|rrn|insz|nn|niss|national|nationaal|registre|identit|id)\W{0,3}"
    r"(?:\w+\W+){0,3}$",
    IC,
)
VAT = re.compile(r"\bBE\s?0?[01]\d{2}[.\s]?\d{3}[.\s]?\d{3}\b", IC)
IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", IC)
PHONE_CANDIDATE = re.compile(r"(?<![\w+/.\-])(?:\+|00)?\(?\d[\d\s./()\-]{6,80}\d(?![\w]|-\w)")
PLATES = [
    re.compile(p, IC)
    for p in (
        r"\b[1-9][-\s.]?[A-Z]{3}[-\s.]?\d{3}\b",  # Belgium since 2010: 1-ABC-234
        r"\b[A-Z]{3}[-\s.]\d{3}\b|\b\d{3}[-\s.][A-Z]{3}\b",  # Belgium before: ABC-123
        r"\b[A-Z]{2}-\d{3}-[A-Z]{2}\b",  # France: AB-123-CD
        # The Netherlands' side codes
        r"\b(?:[A-Z]{2}-\d{2}-\d{2}|\d{2}-\d{2}-[A-Z]{2}|\d{2}-[A-Z]{2}-\d{2}|[A-Z]{2}-\d{2}-[A-Z]{2}"
        r"|[A-Z]{2}-[A-Z]{2}-\d{2}|\d{2}-[A-Z]{2}-[A-Z]{2}|\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}"
        r"|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}|[A-Z]{3}-\d{2}-[A-Z]|\d-[A-Z]{2}-\d{3})\b",
    )
]
PLATE_HINT = re.compile(
    r"(?:nummerplaat|nrplaat|plaat|kenteken|immatriculation|plaque|plate|reg)\w*\W{0,3}"
    r"(?:\w+\W+){0,2}$",
    IC,
)
MONTHS = (
    "januari|jan|februari|feb|maart|mrt|april|apr|mei|juni|jun|juli|jul|augustus|aug|september"
    "|sept|sep|oktober|okt|oct|november|nov|december|dec|janvier|février|fevrier|mars|avril|mai"
    "|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|january|february"
    "|march|may|june|july|august|october"
)
DATES = [
    re.compile(r"(?<![\d.:/-])\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?![\d/.:-]*\d)"),
    re.compile(r"(?<![\d.:/-])(?:19|20)\d{2}-\d{2}-\d{2}(?![\d])"),
    re.compile(rf"\b\d{{1,2}}(?:e|ste|de|er|st|nd|rd|th)?\s+(?:{MONTHS})\b\.?(?:\s+\d{{4}})?", IC),
    re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?", IC),
]
BIRTH_YEAR = re.compile(
    r"\b(?:(?:geboren|geb\.?|born|né|née|nee)\s+(?:in|en|op|le|on)?|(?:ik\s+ben|kben|hij\s+is"
    r"|zij\s+is|ze\s+is)\s+van)\s*((?:19|20)\d{2})\b(?!\s*(?:euro|€|km|m\b))",
    IC,
)
BIRTH_HINT = re.compile(
    r"(?:geboren|geb\.|geboortedatum|verjaardag|jarig|né|née|naissance|anniversaire|born"
    r"|birthday|date of birth|dob|d\.o\.b)\W{0,3}(?:\w+\W+){0,3}$",
    IC,
)
AGE_UNITS = (
    r"jaar\s+oud|jaar|jaar\.|jarige|jr|j|ans|an|years?\s+old|years?|yrs|yo|y/o|y\.o\.?|-jarige"
)
AGE_WITH_UNIT = re.compile(rf"\b(\d{{1,2}})\s?(?:{AGE_UNITS})(?![\w])", IC)
NOT_AGE_AFTER = (
    r"(?![\d:h]|[.,]\d|\s*(?:u\b|uur|euro|€|%|h\b|keer|fois|times|min|jaar\s+geleden|ans?\s+que"
    r"|years?\s+ago|e\b|de\b|ste\b|x\b|km|kg|cm|m\b|dagen|days|jours|weken|weeks|maanden|months"
    r"|mois|kinderen|children|enfants|keer|uren|hours|heures|procent|percent))"
)
SUBJECT_AGE = re.compile(
    r"(?<![\w'])(?!(?:het|it|c'|ce|dat|that|er|hier|daar|klok|score|nummer|number|prijs|price|ook|also)\b)"
    r"[\w']+\s+(?:is|was|wordt|word|ben|est|a|is\s+now|turned|werd)\s+(?:pas\s+|maar\s+|al\s+"
    r"|only\s+|just\s+|seulement\s+)?(\d{1,2})" + NOT_AGE_AFTER + r"(?=\s*(?:$|[\s.,!?)]))",
    IC,
)
THAT_AGE = re.compile(
    r"\b(?:dat|that|que|qu'|da)\s*(?:hij|zij|ze|ik|il|elle|he|she|i|je)\s+(?:pas\s+|maar\s+)?"
    r"(\d{1,2})\s+(?:is|was|wordt|ben|word)\b",
    IC,
)
# "kben Kobe van 12," : a name or "ik" and "van" + a number that ends the phrase
NAME_VAN_AGE = re.compile(
    r"\b(?:ik|kben|ben|is|\w+)\s+van\s+(\d{1,2})(?=\s*(?:[,.!?;)]|$|\s+(?:en|jaar|heeft|is|was"
    r"|zit|zegt|woont|wil|kan|moet|gaat|ziet|weet|doet|durft)\b))",
    IC,
)
BRACKET_AGE = re.compile(r"(?<=\w)\s\((\d{1,2})\)", IC)
FRENCH_EN_A = re.compile(r"\ben\s+a\s+(\d{1,2})\b" + NOT_AGE_AFTER, IC)
AGE_TRIGGER = re.compile(
    r"\b(?:ik\s+ben|k\s+ben|kben|ben\s+pas|i'?m|i\s+am|j'ai|jai|age|âge|leeftijd|ik\s+word|turned"
    r"|(?:zoon|dochter|broer|broertje|zus|zusje|kind|kindje|fils|fille|frère|soeur|son|daughter"
    r"|brother|sister|kid|buurman|buurvrouw|buurjongen|buurmeisje|vriend|vriendin|meisje|jongen"
    r"|gast|kerel|man|vrouw|lief|oom|tante|nonkel|opa|oma|neef|nicht|leerling|voisin|voisine"
    r"|neighbour|neighbor|boy|girl|guy|man|woman)\s+(?:van|de|of|is|aged))\s*:?\s*(\d{1,2})(?![\d:.,h]|\s*(?:u\b|uur|euro|€|%|h\b|keer|fois|times|min))",
    IC,
)
DURATION_BEFORE = re.compile(
    r"(?:\bal|\bsinds|\bsince|\bfor|\bdepuis|\bpendant|\bvoor|\bna|\bil\s+y\s+a|\bduring|\bover"
    r"|\bbinnen|\bafter|\bna|\bdan|\bwithin|\bthan|\bdie|\bdat|\bthat|\bnog|\bmeer\s+dan|\bplus\s+de)\s*$",
    IC,
)
DURATION_AFTER = re.compile(
    r"\s*(?:geleden|lang|ago|later|plus\s+tard|terug|getrouwd|samen|que\b|after|before|na\b"
    r"|nadat|voor\b|après|avant|since|sinds|depuis)",
    IC,
)


NUMBER_WORDS = (
    "een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien"
    "|zestien|zeventien|achttien|negentien|twintig|un|deux|trois|quatre|cinq|six|sept|huit|neuf"
    "|dix|onze|douze|treize|quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf|vingt|one|two"
    "|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    "|seventeen|eighteen|nineteen|twenty"
)
WORD_AGE = re.compile(
    rf"\b(?:(?:ik\s+ben|kben|i'?m|i\s+am)\s+({NUMBER_WORDS})(?!\s+(?:keer|fois|times))\b"
    rf"|({NUMBER_WORDS})\s+(?:jaar|ans|years?\s+old)\b)",
    IC,
)
SCHOOL_YEAR = re.compile(
    r"\b(?:zit\s+in|ben\s+in|suis\s+en|i'?m\s+in|i\s+am\s+in)\s+(?:het\s+|t\s+|'t\s+|the\s+)?"
    r"(\d(?:ste|de|e|ème|eme|er|re|th|st|nd|rd)?)\s+(?:jaar\s+)?(?:middelbaar|secundair"
    r"|leerjaar|kleuterklas|graad|secondaire|primaire|année|humanité|grade|year)\b",
    IC,
)
BE_IBAN_SHAPE = re.compile(r"\bBE\d{2}(?:\s?\d{4}){3}\b", IC)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def emails(text: str) -> Iterator[Span]:
    for m in EMAIL.finditer(text):
        yield Span(m.start(), m.end(), Label.EMAIL)


def urls(text: str, keep: frozenset[str]) -> tuple[list[Span], list[tuple[int, int]]]:
    """Web addresses with or without scheme, and the ranges of those that stay: the home pages
    of organisations in `keep` (a path on their site, like a profile, is replaced)."""
    found: list[Span] = []
    kept: list[tuple[int, int]] = []
    matches = list(URL.finditer(text))
    for m in HOST.finditer(text):
        host = m.group().split("/")[0]
        if host.rsplit(".", 1)[-1].lower() in TLD_SET and not any(
            u.start() <= m.start() < u.end() for u in matches
        ):
            matches.append(m)
    for m in matches:
        value = m.group().rstrip(".,;:!?)'\"")
        if "@" in text[max(0, m.start() - 1) : m.start()]:
            continue  # the domain of an e-mail address
        host, _, path = re.sub(r"^(?:https?://)?(?:www\.)?", "", value.lower()).partition("/")
        end = m.start() + len(value)
        site = host.split(".")[-2] if host.count(".") else host
        on_platform = site in PLATFORMS
        if (site in keep or host in keep) and not (on_platform and path.strip("/")):
            kept.append((m.start(), end))
        else:
            found.append(Span(m.start(), end, Label.URL))
    return found, kept


def ips(text: str) -> Iterator[Span]:
    for pattern in (IPV4, IPV6):
        for m in pattern.finditer(text):
            value = m.group()
            if value.count(":") >= 2 and not re.search(r"[0-9a-f]{1,4}:[0-9a-f]{1,4}", value, IC):
                continue
            try:
                ipaddress.ip_address(value)
            except ValueError:
                continue
            yield Span(m.start(), m.end(), Label.IP)


def national_numbers(text: str) -> Iterator[Span]:
    """Belgian national register and BIS numbers (checksum), VAT numbers, and 11-digit numbers
    right after a word like "rijksregister" even with a wrong checksum (a typo still identifies)."""
    for m in NATIONAL.finditer(text):
        digits = _digits(m.group())
        hinted = NATIONAL_HINT.search(text[max(0, m.start() - 40) : m.start()]) is not None
        if nn.is_valid(digits) or bis.is_valid(digits) or hinted:
            yield Span(m.start(), m.end(), Label.NATIONAL_ID)
    for m in VAT.finditer(text):
        if vat.is_valid(m.group()):
            yield Span(m.start(), m.end(), Label.NATIONAL_ID)


def ibans(text: str) -> Iterator[Span]:
    """IBANs with a valid checksum; a Belgian one in its written shape even with a typo."""
    for m in BE_IBAN_SHAPE.finditer(text):
        yield Span(m.start(), m.end(), Label.IBAN)
    for m in IBAN_CANDIDATE.finditer(text):
        value = m.group()
        # The candidate may run into the next word: try it shorter, four characters at a time.
        end = len(value)
        while end >= 15:
            if iban.is_valid(value[:end]):
                yield Span(m.start(), m.start() + len(value[:end].rstrip()), Label.IBAN)
                break
            cut = value.rfind(" ", 0, end)
            end = cut if cut > 0 else end - 4


SERVICE_NUMBERS = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
    }
)


def _phone_number(value: str) -> bool:
    digits = _digits(value)
    if len(digits) < 8 or len(digits) > 15 or value.count("(") != value.count(")"):
        return False
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", value.strip()):
        return False  # a date
    for region in ("BE", "NL", "FR"):
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.number_type(number) in SERVICE_NUMBERS:
            return False  # free, shared-cost and premium lines belong to services, not people
        plausible = phonenumbers.is_possible_number(number) and len(digits) >= 9
        if phonenumbers.is_valid_number(number) or plausible:
            return True
    return False


def phones(text: str, keep: frozenset[str] = frozenset()) -> Iterator[Span]:
    """Telephone numbers valid in Belgium, the Netherlands or France, in any written form.

    A candidate run of digits may hold more than one number, or a number beside another figure
    ("112 0476 12 34 56"): every run of its space-separated parts is tried (the longest wins
    where they overlap, see spans.resolve). A part that is
    a number in `keep` (112, 1712) is never part of a telephone number."""
    for m in PHONE_CANDIDATE.finditer(text):
        parts = [
            (p.start() + m.start(), p.end() + m.start()) for p in re.finditer(r"\S+", m.group())
        ]
        for size in range(min(len(parts), 7), 0, -1):  # "+32 (0)476 12 34 56" is 6 parts
            for first in range(len(parts) - size + 1):
                start, end = parts[first][0], parts[first + size - 1][1]
                if any(text[a:b].strip("().,") in keep for a, b in parts[first : first + size]):
                    continue
                value = text[start:end].rstrip(" .-/")
                if value.startswith("(") and value.count("(") > value.count(")"):
                    value, start = value[1:], start + 1
                # Numbers in Belgium, the Netherlands and France are written from a 0 or a +.
                if value[:1] in "0+(" and _phone_number(value):
                    yield Span(start, start + len(value), Label.PHONE)


def plates(text: str) -> Iterator[Span]:
    """Number plates. Forms that could be ordinary text (ABC 123 in lower case) count only in
    capitals or after a word like "nummerplaat"."""
    for index, pattern in enumerate(PLATES):
        for m in pattern.finditer(text):
            value = m.group()
            letters = "".join(c for c in value if c.isalpha())
            # "1-abc-234" and "1abc234" are plates in any case; "8 bus 101" is a house number.
            joined = " " not in value and "." not in value
            strong = letters.isupper() or (index == 0 and joined)
            hinted = PLATE_HINT.search(text[max(0, m.start() - 30) : m.start()]) is not None
            if strong or hinted:
                yield Span(m.start(), m.end(), Label.LICENSE_PLATE)


def _plausible_date(value: str) -> bool:
    parts = re.split(r"[/.\-]", value)
    if len(parts) != 3:
        return True
    if len(parts[0]) == 4:
        return 1 <= int(parts[1]) <= 12 and 1 <= int(parts[2]) <= 31
    return 1 <= int(parts[0]) <= 31 and 1 <= int(parts[1]) <= 12


def dates(text: str) -> Iterator[Span]:
    """Dates; a date right after "geboren", "né", "born" and the like is a date of birth."""
    for pattern in DATES:
        for m in pattern.finditer(text):
            if not _plausible_date(m.group()):
                continue
            birth = BIRTH_HINT.search(text[max(0, m.start() - 40) : m.start()]) is not None
            yield Span(m.start(), m.end(), Label.DATE_OF_BIRTH if birth else Label.DATE)
    for m in BIRTH_YEAR.finditer(text):
        yield Span(m.start(1), m.end(1), Label.DATE_OF_BIRTH)


def _is_duration(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 14) : start]
    return bool(DURATION_BEFORE.search(before) or DURATION_AFTER.match(text, end))


def ages(text: str) -> Iterator[Span]:
    """Ages: "14 jaar", "15 ans", "13yo", "ik ben 14", "mijn zoon van 6"; durations stay."""
    for m in AGE_WITH_UNIT.finditer(text):
        if not _is_duration(text, m.start(), m.end()):
            yield Span(m.start(), m.end(), Label.AGE)
    for m in WORD_AGE.finditer(text):
        group = 1 if m.group(1) else 2
        yield Span(m.start(group), m.end(group), Label.AGE)
    for m in SCHOOL_YEAR.finditer(text):  # a school year tells the age: "4de middelbaar"
        yield Span(m.start(1), m.end(1), Label.AGE)
    for pattern in (AGE_TRIGGER, SUBJECT_AGE, THAT_AGE, NAME_VAN_AGE, BRACKET_AGE, FRENCH_EN_A):
        for m in pattern.finditer(text):
            if not DURATION_AFTER.match(text, m.end(1)):
                yield Span(m.start(1), m.end(1), Label.AGE)
