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
# An address written so that machines miss it: "lotte punt vdb at gmail punt com",
# "jens.dc(at)telenet.be", "jens [at] telenet [dot] be", "anna apenstaartje gmail.com". The "at"
# and "dot" words stand between spaces or in brackets; the address must end in a known TLD.
_OB_AT = (
    r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|@|arobase|apenstaartje|aapje)\s*[\])}>]\s*"
    r"|\s+(?:at|arobase|apenstaartje|aapje|@)\s+)"
)
_OB_DOT = r"(?:\.|\s*[\[({<]\s*(?:dot|punt|point|\.)\s*[\])}>]\s*|\s+(?:dot|punt|point)\s+)"
OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+\-])[\w+\-]++(?:{_OB_DOT}[\w+\-]++){{0,4}}{_OB_AT}"
    rf"[\w\-]++(?:{_OB_DOT}[\w\-]++){{0,3}}?{_OB_DOT}(?:{TLDS})(?![\w.]\w)",
    IC,
)
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
PHONE_HINT = re.compile(
    r"(?:nummer|nr|gsm|tel|telefoon|bel|numéro|numero|num|portable|appel\w*|number|phone|call"
    r"|mobile|cell|whatsapp|sms|text)\W{0,3}(?:\w+\W+){0,3}$",
    IC,
)
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
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+of\s+(?:{MONTHS})\b(?:,?\s+\d{{4}})?", IC),
]
# A day and month without a year: "15/11", "op 3/11", "le 15.11" (checked in code: a plausible
# date, not a fraction, a mark out of ten, a time or "24/7").
DAY_MONTH = re.compile(r"(?<![\w.,:/\-])(\d{1,2})([/.])(\d{1,2})(?![\w/]|[.,:\-]\d)")
DATE_CONTEXT = re.compile(
    r"(?:\b(?:op|vanaf|tot|sinds|tegen|voor|na|le|du|au|depuis|jusqu'au|avant|après|dès|on|since"
    r"|until|till|from|by|before|after|datum|date|maandag|dinsdag|woensdag|donderdag|vrijdag"
    r"|zaterdag|zondag|ma|di|wo|do|vr|za|zo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)"
    r"|\bl')\W{0,2}$",
    IC,
)
NOT_DATE_BEFORE = re.compile(
    r"(?:straat|laan|weg|plein|lei|dreef|kaai|rue|avenue|chaussée|street|road|bus|nr\.?|n°|no\.?"
    r"|nummer|numéro|number|score|punten|points|op\s+de|sur|out\s+of|kamer|chambre|room)\s*$",
    IC,
)
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
    r"\b(?:ik\s+ben|k\s*ben|kben|k\s*zen|ik\s+zen|k\s*zijn|ben\s+pas|i'?m|i\s+am|j'ai|jai|age|âge"
    r"|leeftijd|ik\s+word|k\s*word|turned"
    r"|(?:zoon|dochter|broer|broertje|zus|zusje|kind|kindje|fils|fille|frère|soeur|son|daughter"
    r"|brother|sister|kid|buurman|buurvrouw|buurjongen|buurmeisje|vriend|vriendin|meisje|jongen"
    r"|gast|kerel|man|vrouw|lief|oom|tante|nonkel|opa|oma|neef|nicht|leerling|voisin|voisine"
    r"|neighbour|neighbor|boy|girl|guy|man|woman)\s+(?:van|de|of|is|aged))\s*:?\s*"
    r"(?:(?:nu|pas|maar|al|bijna|net|only|just|almost|nearly|now|seulement|presque|juste)\s+)?"
    r"(\d{1,2})(?![\d:.,h]|\s*(?:u\b|uur|euro|€|%|h\b|keer|fois|times|min))",
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


# Ages in words, 2 to 99, in Dutch ("vijftien", "tweeëndertig"), French ("seize", "trente-deux",
# "septante-et-un", "quatre-vingt-deux") and English ("fifteen", "thirty-two"). Articles ("een",
# "un", "une", "one") are never an age; "onze" (Dutch "our") and "neuf" (French "new") only with
# a unit after them.
_AGE_NL_UNITS = "een|één|twee|drie|vier|vijf|zes|zeven|acht|negen"
_AGE_NL = (
    rf"(?:{_AGE_NL_UNITS})[eë]?(?:en|ën)(?:twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig"
    r"|negentig)|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|dertien|veertien"
    r"|vijftien|zestien|zeventien|achttien|negentien|twee|drie|vier|vijf|zes|zeven|acht|negen"
    r"|tien|elf|twaalf"
)
_FR_UNIT = "deux|trois|quatre|cinq|six|sept|huit|neuf"
_AGE_FR = (
    rf"(?:vingt|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante"
    rf"|quatre[\s-]vingts?)(?:[\s-]et[\s-](?:un|une|onze)|[\s-](?:dix[\s-](?:sept|huit|neuf)"
    rf"|{_FR_UNIT}|dix|onze|douze|treize|quatorze|quinze|seize))?|dix[\s-](?:sept|huit|neuf)"
    r"|deux|trois|quatre|cinq|six|sept|huit|dix|douze|treize|quatorze|quinze|seize"
)
_AGE_EN = (
    r"(?:twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three"
    r"|four|five|six|seven|eight|nine))?|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    r"|nineteen|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
)
AGE_WORD = rf"(?<![\w-])(?:{_AGE_NL}|{_AGE_FR}|{_AGE_EN})(?![\w-])"
AGE_WORD_UNIT = rf"(?<![\w-])(?:{_AGE_NL}|{_AGE_FR}|{_AGE_EN}|onze|neuf|één)(?![\w-])"
# After a bare age in words: the end of the clause or a word that goes on about it.
WORD_AGE_END = (
    r"(?=\s*(?:$|[.,!?;:)]|(?:en|and|et|maar|mais|but|toch|hoor|dus|so|donc|now|nu|already"
    r"|word|wordt|ben|is|geworden|geweest|bent|jaar|ans|years?)\b))"
)
WORD_AGE = re.compile(
    rf"\b(?:(?:ik\s+ben|k\s*ben|kben|k\s*zen|ik\s+zen|i'?m|i\s+am)\s+(?:pas\s+|maar\s+|nu\s+"
    rf"|only\s+|just\s+)?({AGE_WORD}){WORD_AGE_END}(?!\s+(?:keer|fois|times))"
    rf"|({AGE_WORD_UNIT})\s*(?:jaar|ans|an|years?\s+old|year\s+old|-jarige|jarige)\b)",
    IC,
)
SUBJECT_WORD_AGE = re.compile(
    r"(?<![\w'])(?!(?:het|it|c'|ce|dat|that|er|hier|daar|klok|score|nummer|number|prijs|price|ook"
    r"|also|time|tijd|heure|this|dit|there|what|wat|who|wie|qui)\b)"
    r"[\w']+\s+(?:is|was|wordt|word|ben|est|a|is\s+now|turned|werd|turns|turns\s+now)\s+"
    rf"(?:pas\s+|maar\s+|al\s+|only\s+|just\s+|seulement\s+|nu\s+|now\s+)?({AGE_WORD})"
    + WORD_AGE_END,
    IC,
)
_AGE_NUMBER = rf"(?:\d{{1,2}}(?![\d:h]|[.,]\d)|{AGE_WORD})"
# "dan word ik 16", "nu is hij 18", "bientôt j'aurai 15", "soon I'll be 15"
INVERTED_AGE = re.compile(
    r"\b(?:word|wordt|werd|ben|is|was|zijt|wordde)\s+(?:ik|k|hij|zij|ze|gij|ge|jij|em|den\s+\w+)\s+"
    rf"(?:pas\s+|maar\s+|al\s+|nu\s+|bijna\s+|nog\s+|ook\s+)?({_AGE_NUMBER})" + WORD_AGE_END,
    IC,
)
# "als ik 18 ben", "wanneer ik vijftien word", "dat hij 17 is", "until she is 18" (sic: "she 18")
THAT_AGE = re.compile(
    r"\b(?:hij|zij|ze|ik|k|il|elle|he|she|i|je|jij|gij|ge)\s+(?:pas\s+|maar\s+|al\s+|nog\s+)?"
    rf"({_AGE_NUMBER})\s+(?:is|was|wordt|ben|word|werd|bent|zijt|ben\s+geworden|geworden|wordde)\b",
    IC,
)
# "hij is 18 en ik 12", "il a 19 ans et moi 14", "he's 24 and me fifteen": a second age in the
# same clause, after "en"/"et"/"and" and a subject.
COORD_AGE = re.compile(
    r"\b(?:en|et|and|maar|mais|but|terwijl|alors\s+que|while)\s+(?:ik|ikke|kik|moi|me|mij|hij"
    r"|zij|ze|lui|elle|he|she|i|mijn\s+\w+|ma\s+\w+|mon\s+\w+|my\s+\w+)\s*,?\s+"
    r"(?:(?:ben|is|suis|a|am|ai|maar|pas|seulement|only|just|nog|al)\s+)?"
    rf"({_AGE_NUMBER})" + WORD_AGE_END,
    IC,
)
# "ils ont 5 et 7 ans", "mijn kinderen zijn 3, 6 en 9 jaar": every number of the list is an age
AGE_LIST = re.compile(
    r"(?<![\d.,:/])(\d{1,2})(?:\s*,\s*\d{1,2})*\s*(?:,|en|et|and|&|of|ou|or)\s*\d{1,2}"
    r"\s*(?:jaar|ans|years?\s+old|years?|jr)\b",
    IC,
)
# "Ik ben Wendy, 41, en", "I'm Grace, 27, my ex", "je m'appelle Inès, 15." (a name after a
# self-introduction and a bare number between commas; the pipeline also takes one after any name)
INTRO_COMMA_AGE = re.compile(
    r"\b(?:ik\s+ben|kben|k\s+ben|ik\s+heet|mijn\s+naam\s+is|i'?m|i\s+am|my\s+name\s+is|je\s+suis"
    r"|jsuis|je\s+m'appelle|moi\s+c'?est|this\s+is|hier\s+is)\s+[\w'\-]+(?:\s+[A-Z][\w'\-]*)?"
    r"\s*,\s*(\d{1,2})(?=\s*(?:[,.;!?)]|$|(?:en|et|and|jaar|ans|years?)\b))",
    IC,
)
# Flemish "een jaar of 4" (about four), "een jaar of vijftien"
ABOUT_AGE = re.compile(rf"\been\s+jaar\s+of\s+(\d{{1,2}}(?!\d)|{AGE_WORD_UNIT})", IC)
# School years tell the age: "4de middelbaar", "2de middelbaar", "1ère secondaire", "in 3de jaar"
# (after "zit", "ben", "is"), "en 3e" after "je suis", "jsuis", "il est".
_ORDINAL = r"(\d(?:ste|de|e|ème|eme|er|ère|ere|re|th|st|nd|rd))"
SCHOOL_YEAR = re.compile(
    rf"\b{_ORDINAL}\s+(?:jaar\s+)?(?:middelbaar|secundair|sec|aso|tso|bso|kso|secondaire"
    r"|primaire|humanités?|humanite|leerjaar|kleuterklas|graad|middelbare|lagere)\b"
    r"|(?:\b|(?<=j)|(?<=j')|(?<=ch))(?:zit|zat|zitten|zitte|ben|is|suis|uis|i'?m|i\s+am|am|is|est)"
    r"\b[^.!?\n]{0,40}?\b(?:in|en|au"
    rf"|dans)\s+(?:het\s+|t\s+|'t\s+|the\s+|la\s+|le\s+)?{_ORDINAL}(?:\s+(?:jaar|année|klas"
    r"|classe|grade|year|form|middelbaar|secondaire))?(?![\w/])",
    IC,
)
CLASS_OF = re.compile(
    r"\b(?:van|of|du|de\s+la|des|de|from|uit)\s+(?:het\s+|de\s+|the\s+|'t\s+|t\s+|la\s+|l')?$", IC
)
# An age limit of a service or rule, not a person's age: "jongeren tot 25 jaar", "jusqu'à 25
# ans", "under 25", "tussen 12 en 25 jaar", "de 12 à 25 ans"
LIMIT_BEFORE = re.compile(
    r"(?:\btot(?:\s+en\s+met)?|\bt/m|\bvanaf|\bonder(?:\s+de)?|\bboven(?:\s+de)?|\bjonger\s+dan"
    r"|\bouder\s+dan|\bjusqu'?\s*[àa]|\bà\s+partir\s+de|\bmoins\s+de|\bunder|\bup\s+to|\bbelow"
    r"|\babove|\bolder\s+than|\byounger\s+than|\bthe\s+age\s+of|\btussen|\bentre|\bbetween"
    r"|\d\s*(?:-|tot|à|a|to|en|et|and)|\bdes|\bpour\s+les|\bvoor|\bfor)\s*$",
    IC,
)
LIMIT_AFTER = re.compile(
    r"\s*(?:jaar|ans|years?)?\s*(?:-|tot(?:\s+en\s+met)?|t/m|à|to|jusqu'à)\s*\d{1,2}\b"
    r"|\s*(?:jaar|ans|years?)?\s*(?:en|et|and)\s+(?:jonger|ouder|plus|moins|older|younger|under"
    r"|over|up)\b|\s*\+",
    IC,
)
BE_IBAN_SHAPE = re.compile(r"\bBE\d{2}(?:\s?\d{4}){3}\b", IC)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def emails(text: str) -> Iterator[Span]:
    """E-mail addresses, also written to dodge machines ("jens [at] telenet [dot] be")."""
    for m in EMAIL.finditer(text):
        yield Span(m.start(), m.end(), Label.EMAIL)
    for m in OBFUSCATED_EMAIL.finditer(text):
        if not re.fullmatch(r"[\w.+\-]+@[\w.\-]+", m.group()):
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
        # "+32 (0)476 12 34 56" is 6 parts; "4 7 0 1 2 3 4 5 6" digit by digit 9
        for size in range(min(len(parts), 10), 0, -1):
            for first in range(len(parts) - size + 1):
                start, end = parts[first][0], parts[first + size - 1][1]
                if any(text[a:b].strip("().,") in keep for a, b in parts[first : first + size]):
                    continue
                value = text[start:end].rstrip(" .-/")
                if value.startswith("(") and value.count("(") > value.count(")"):
                    value, start = value[1:], start + 1
                # Numbers in Belgium, the Netherlands and France are written from a 0 or a +;
                # a Belgian mobile number also without its 0 ("470 12 34 56").
                if (value[:1] in "0+(" and _phone_number(value)) or _mobile_without_zero(
                    value, PHONE_HINT.search(text[max(0, start - 30) : start]) is not None
                ):
                    yield Span(start, start + len(value), Label.PHONE)
    yield from spelled_phones(text)


def _mobile_without_zero(value: str, hinted: bool) -> bool:
    """A Belgian mobile number (04xx) written without its leading 0: nine digits from 45-49,
    in digit groups only ("470 12 34 56", "4 70 12 34 56", "470/12.34.56")."""
    digits = _digits(value)
    if len(digits) != 9 or digits[1] not in "56789" or not re.fullmatch(r"4[\d\s./\-]*", value):
        return False
    if value.isdigit() and not hinted:
        return False  # nine digits in one block are as likely a file or order number
    try:
        number = phonenumbers.parse("0" + digits, "BE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


# Number words of Dutch, (Belgian) French and English, for numbers read out digit by digit or in
# groups: "nul vier zeven negen twaalf vierendertig zesenvijftig", "zéro quatre septante-neuf",
# "oh four seven nine twelve thirty four fifty six".
_UNITS: dict[str, int] = {}
for _words, _value in (
    ("nul zero zéro oh o", 0),
    ("een één eén un une one", 1),
    ("twee deux two", 2),
    ("drie trois three", 3),
    ("vier quatre four", 4),
    ("vijf cinq five", 5),
    ("zes six", 6),
    ("zeven sept seven", 7),
    ("acht huit eight", 8),
    ("negen neuf nine", 9),
    ("tien dix ten", 10),
    ("elf onze eleven", 11),
    ("twaalf douze twelve", 12),
    ("dertien treize thirteen", 13),
    ("veertien quatorze fourteen", 14),
    ("vijftien quinze fifteen", 15),
    ("zestien seize sixteen", 16),
    ("zeventien seventeen", 17),
    ("achttien eighteen", 18),
    ("negentien nineteen", 19),
):
    for _word in _words.split():
        _UNITS[_word] = _value
_TENS: dict[str, int] = {}
for _words, _value in (
    ("twintig vingt twenty", 20),
    ("dertig trente thirty", 30),
    ("veertig quarante forty fourty", 40),
    ("vijftig cinquante fifty", 50),
    ("zestig soixante sixty", 60),
    ("zeventig septante seventy", 70),
    ("tachtig huitante octante eighty", 80),
    ("negentig nonante ninety", 90),
):
    for _word in _words.split():
        _TENS[_word] = _value
_NL_UNITS = "een|één|twee|drie|vier|vijf|zes|zeven|acht|negen"
_NL_TENS = "twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig"
NL_COMPOUND = re.compile(rf"({_NL_UNITS})[eë]?(?:en|ën)({_NL_TENS})", IC)
_NUMBER_TOKEN = "|".join(
    sorted([*_UNITS, *_TENS, "vingts", "et", "and", "en"], key=len, reverse=True)
)
SPELLED_RUN = re.compile(
    rf"(?<![\w-])(?:(?:{_NL_UNITS})[eë]?(?:en|ën)(?:{_NL_TENS})|{_NUMBER_TOKEN}|\d{{1,4}})"
    rf"(?:[\s,\-]+(?:(?:{_NL_UNITS})[eë]?(?:en|ën)(?:{_NL_TENS})|{_NUMBER_TOKEN}|\d{{1,4}}))*"
    r"(?![\w-])",
    IC,
)


def _number_groups(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Read number words into digit groups with their offsets: "vierendertig" -> "34",
    "thirty four" and "trente-quatre" -> "34", "soixante-douze" and "septante-deux" -> "72",
    "quatre-vingt-dix" -> "90", "nul" -> "0"; a digit token stays as written."""
    groups: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        word, start, end = tokens[i]
        low = word.lower()
        compound = NL_COMPOUND.fullmatch(low)
        if word.isdigit():
            groups.append((word, start, end))
            i += 1
            continue
        if compound:
            value = _UNITS[compound.group(1)] + _TENS[compound.group(2)]
            groups.append((str(value), start, end))
            i += 1
            continue
        tens = _TENS.get(low)
        if (
            low == "quatre"
            and i + 1 < len(tokens)
            and tokens[i + 1][0].lower() in ("vingt", "vingts")
        ):
            tens, i = 80, i + 1
            end = tokens[i][2]
        if tens is not None:
            j = i + 1
            if j < len(tokens) and tokens[j][0].lower() in ("et", "and") and j + 1 < len(tokens):
                j += 1
            nxt = tokens[j][0].lower() if j < len(tokens) else ""
            extra = _UNITS.get(nxt)
            limit = 19 if tens in (60, 80) else 9
            after = tokens[j + 1][0].lower() if j + 1 < len(tokens) else ""
            if extra == 10 and tens in (60, 80) and 1 <= _UNITS.get(after, 0) <= 9:
                groups.append((str(tens + 10 + _UNITS[after]), start, tokens[j + 1][2]))
                i = j + 2
            elif extra is not None and 1 <= extra <= limit:
                groups.append((str(tens + extra), start, tokens[j][2]))
                i = j + 1
            else:
                groups.append((str(tens), start, end))
                i += 1
            continue
        if low in _UNITS:
            groups.append((str(_UNITS[low]), start, end))
        i += 1  # "en", "et", "and" between groups are skipped
    return groups


def spelled_phones(text: str) -> Iterator[Span]:
    """Telephone numbers read out in number words (with digits between, if any): a run that
    makes 9 or 10 digits from a 0, or 9 from 45-49 (a mobile number without its 0)."""
    for m in SPELLED_RUN.finditer(text):
        tokens = [
            (t.group(), m.start() + t.start(), m.start() + t.end())
            for t in re.finditer(r"[^\s,\-]+", m.group())
        ]
        if sum(not t[0].isdigit() for t in tokens) < 3:
            continue  # digits alone are the digit detector's
        groups = _number_groups(tokens)
        best: tuple[int, int] | None = None
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                digits += groups[last][0]
                if len(digits) > 10:
                    break
                full = digits if digits[0] == "0" else "0" + digits
                if not (digits[0] == "0" and len(digits) >= 9) and not (
                    len(digits) == 9 and digits[:1] == "4" and digits[1] in "56789"
                ):
                    continue
                if _phone_number(full) and (
                    best is None or groups[last][2] - groups[first][1] > best[1] - best[0]
                ):
                    best = (groups[first][1], groups[last][2])
        if best is not None:
            yield Span(best[0], best[1], Label.PHONE)


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


def _day_month(text: str, m: re.Match[str]) -> bool:
    """Whether "a/b" is a day and month: a real one, not "24/7", a fraction or a mark out of ten
    (without a word like "op", "le" or a weekday before it), nor a house number ("Kerkstraat 5/11")
    or a time written with a dot ("om 15.30" is protected; "15.11" needs a date word)."""
    day, sep, month = int(m.group(1)), m.group(2), int(m.group(3))
    if not (1 <= day <= 31 and 1 <= month <= 12) or (day, month) in ((24, 7), (7, 7)):
        return False
    if (day > 29 and month == 2) or (day == 31 and month in (4, 6, 9, 11)):
        return False
    before = text[max(0, m.start() - 20) : m.start()]
    if re.search(r"\d[\s.\-/]?$", before) or re.match(r"\s?\d", text[m.end() :]):
        return False  # part of a run of digit groups (a telephone number)
    if NOT_DATE_BEFORE.search(before):
        return False
    if DATE_CONTEXT.search(before):
        return True
    if sep == "." or month == 10 or day < month <= 10:
        return False  # "15.11" may be a time; "7/10" a mark; "3/4" a fraction
    return m.group(3) != "1" or day > 12  # not "x/1"


def dates(text: str) -> Iterator[Span]:
    """Dates; a date right after "geboren", "né", "born" and the like, or after "°" (Belgian for
    born), is a date of birth."""
    found = [m for pattern in DATES for m in pattern.finditer(text)]
    found += [m for m in DAY_MONTH.finditer(text) if _day_month(text, m)]
    for m in found:
        if not _plausible_date(m.group()):
            continue
        if re.fullmatch(r"\d\d[./-]\d\d[./-]\d\d", m.group()) and re.search(
            r"\d[\s/]$", text[max(0, m.start() - 2) : m.start()]
        ):
            continue  # "0476 12.03.05": the end of a telephone number, not a date
        birth = BIRTH_HINT.search(text[max(0, m.start() - 40) : m.start()]) is not None
        birth = birth or re.search(r"°\s?$", text[max(0, m.start() - 2) : m.start()]) is not None
        yield Span(m.start(), m.end(), Label.DATE_OF_BIRTH if birth else Label.DATE)
    for m in BIRTH_YEAR.finditer(text):
        yield Span(m.start(1), m.end(1), Label.DATE_OF_BIRTH)


def _is_duration(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 14) : start]
    return bool(DURATION_BEFORE.search(before) or DURATION_AFTER.match(text, end))


def _is_limit(text: str, start: int, end: int) -> bool:
    """An age limit ("tot 25 jaar", "jusqu'à 25 ans", "12 tot 25 jaar"), not a person's age."""
    before = text[max(0, start - 25) : start]
    return bool(LIMIT_BEFORE.search(before) or LIMIT_AFTER.match(text, end))


def ages(text: str) -> Iterator[Span]:
    """Ages: "14 jaar", "15 ans", "13yo", "ik ben 14", "mijn zoon van 6", "vijftien", school
    years; durations ("al 2 jaar", "depuis trois ans") and age limits ("tot 25 jaar") stay."""
    for m in AGE_WITH_UNIT.finditer(text):
        if not _is_duration(text, m.start(), m.end()) and not _is_limit(text, m.start(), m.end()):
            yield Span(m.start(), m.end(), Label.AGE)
    for m in WORD_AGE.finditer(text):
        group = 1 if m.group(1) else 2
        if group == 2 and _is_duration(text, m.start(), m.end()):
            continue
        if not _is_limit(text, m.start(group), m.end(group)):
            yield Span(m.start(group), m.end(group), Label.AGE)
    for m in SCHOOL_YEAR.finditer(text):  # a school year tells the age: "4de middelbaar"
        group = 1 if m.group(1) else 2
        if group == 1 and CLASS_OF.search(text[max(0, m.start() - 20) : m.start()]):
            continue  # "de meester van het 6de leerjaar": a class, not the writer's year
        yield Span(m.start(group), m.end(group), Label.AGE)
    for m in AGE_LIST.finditer(text):
        if _is_duration(text, m.start(), m.end()) or _is_limit(text, m.start(), m.end(1)):
            continue
        for n in re.finditer(r"\d{1,2}", m.group()):
            yield Span(m.start() + n.start(), m.start() + n.end(), Label.AGE)
    for m in ABOUT_AGE.finditer(text):
        if not _is_duration(text, m.start(), m.end()):
            yield Span(m.start(1), m.end(1), Label.AGE)
    for pattern in (
        AGE_TRIGGER,
        SUBJECT_AGE,
        SUBJECT_WORD_AGE,
        THAT_AGE,
        INVERTED_AGE,
        COORD_AGE,
        NAME_VAN_AGE,
        INTRO_COMMA_AGE,
        BRACKET_AGE,
        FRENCH_EN_A,
    ):
        for m in pattern.finditer(text):
            if DURATION_AFTER.match(text, m.end(1)) or _is_limit(text, m.start(1), m.end(1)):
                continue
            yield Span(m.start(1), m.end(1), Label.AGE)
