"""What the anonymiser finds and what it leaves alone, one kind at a time."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import helpline_core
from helpline_core.anonymise import Anonymiser, Pseudonyms


def found(anonymiser: Anonymiser, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label.value) for s in anonymiser.find(text)]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("mijn nummer is 0476 12 34 56", "0476 12 34 56", "PHONE"),
        ("bel 0032 476/12.34.57 aub", "0032 476/12.34.57", "PHONE"),
        ("tel +31 6 1234 5678", "+31 6 1234 5678", "PHONE"),
        ("appelle au +33 6 12 34 56 78", "+33 6 12 34 56 78", "PHONE"),
        ("mail naar lisa.peeters@gmail.com", "lisa.peeters@gmail.com", "EMAIL"),
        ("zie tiktok.com/@lisa123", "tiktok.com/@lisa123", "URL"),
        ("ip 192.168.1.24 en", "192.168.1.24", "IP"),
        ("ipv6 2a02:1812:1c2f:9a00::1 gezien", "2a02:1812:1c2f:9a00::1", "IP"),
        ("rrn 85.07.30-033.28", "85.07.30-033.28", "NATIONAL_ID"),
        ("rekening BE71 0961 2345 6769 graag", "BE71 0961 2345 6769", "IBAN"),
        ("plaat 1-ABC-234 gezien", "1-ABC-234", "LICENSE_PLATE"),
        ("zijn snap: stoere.stijn07 echt", "stoere.stijn07", "USERNAME"),
        ("discord darkwolf#1234", "darkwolf#1234", "USERNAME"),
        ("volg @jonas.peeters", "@jonas.peeters", "USERNAME"),
        ("ik ben geboren op 12/03/2009", "12/03/2009", "DATE_OF_BIRTH"),
        ("op 3 mei is het gebeurd", "3 mei", "DATE"),
        ("ik ben 14 jaar", "14 jaar", "AGE"),
        ("j'ai 15 ans", "15 ans", "AGE"),
        ("hey ik ben lisa", "lisa", "PERSON"),
        ("my stepdad mark hits me", "mark", "PERSON"),
        ("je m'appelle chloé", "chloé", "PERSON"),
        ("ik woon in de kerkstraat 12 bus 3", "kerkstraat 12 bus 3", "ADDRESS"),
        ("we wonen in 2000 Antwerpen", "2000 Antwerpen", "POSTCODE_CITY"),
        ("ik woon in gent", "gent", "PLACE"),
        ("ik zit op het sint-jozefscollege", "sint-jozefscollege", "PLACE"),
        ("ze ligt in AZ Groeninge", "AZ Groeninge", "PLACE"),
        ("mijn leerkracht meneer de smet roept", "de smet", "PERSON"),
        ("ma prof madame dubois", "dubois", "PERSON"),
        ("ik ben van 2010", "2010", "DATE_OF_BIRTH"),
        ("il habite à nivelles", "nivelles", "PLACE"),
    ],
)
def test_finds_each_kind(anonymiser: Anonymiser, text: str, value: str, label: str) -> None:
    assert (value, label) in found(anonymiser, text)


@pytest.mark.parametrize(
    "text",
    [
        "bel 101 of 112, of de 1712",
        "ga naar het CAW, het CLB of het OCMW; le CPAS aussi",
        "Child Focus, Awel en Tele-Onthaal kunnen helpen, de politie ook",
        "school begint om 8u30 en eindigt om 15.30, om 9h30 ou à 14:30",
        "het kost 12,50 euro of € 20",
        "ik ben bang en moe, ik weet niet meer wat te doen",
        "al 2 jaar gaat da zo, ça fait 3 ans que ça dure, for 2 years",
        "ik heb 3 broers en 2 zussen",
        "kijk op www.awel.be of 1712.be",
        "Madame, Monsieur, mon numéro est secret",
        "de auto is van 2015 en het is 2019 geweest",
        "from a game, in a lot of ways, kept for a minimum of 10 years after",
    ],
)
def test_leaves_must_stay_text_alone(anonymiser: Anonymiser, text: str) -> None:
    assert anonymiser.anonymise(text).text == text


def test_placeholders_are_in_the_message_language(anonymiser: Anonymiser) -> None:
    assert anonymiser.anonymise("ik ben lisa en ik woon in gent").text == (
        "ik ben [NAAM-1] en ik woon in [PLAATS-1]"
    )
    assert anonymiser.anonymise("je m'appelle chloé et j'ai peur").text == (
        "je m'appelle [NOM-1] et j'ai peur"
    )
    assert anonymiser.anonymise("hi i'm emma and i'm scared").text == (
        "hi i'm [NAME-1] and i'm scared"
    )


def test_the_same_person_is_the_same_placeholder_throughout(anonymiser: Anonymiser) -> None:
    names = Pseudonyms()
    first = anonymiser.anonymise("mijn vriendin Lisa Peeters en tom", names)
    second = anonymiser.anonymise("lisa zegt dat tom liegt", names)
    assert first.text == "mijn vriendin [NAAM-1] en [NAAM-2]"
    assert second.text == "[NAAM-1] zegt dat [NAAM-2] liegt"


def test_phone_numbers_written_differently_are_one_number(anonymiser: Anonymiser) -> None:
    names = Pseudonyms()
    text = "bel 0476 12 34 56 of +32476123456"
    assert anonymiser.anonymise(text, names).text == "bel [TELEFOON-1] of [TELEFOON-1]"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_canned_replies_stay_as_written(anonymiser: Anonymiser) -> None:
    """Counsellors' own replies (nl, fr, en) name services, numbers and sites to refer to:
    they hold no identifier and must come out of a training export unchanged."""
    folder = Path(helpline_core.__file__).parent / "defaults" / "canned"
    texts = [
        t for f in sorted(folder.glob("*.toml")) for t in _strings(tomllib.loads(f.read_text()))
    ]
    assert len(texts) > 100
    changed = [t for t in texts if anonymiser.anonymise(t).text != t]
    assert changed == []


@pytest.mark.timeout(60)
@pytest.mark.parametrize("unit", ["a.", "a@", "a'", "1-", "1 ", "#1", "Aa ", "x_", "+1", "ab.cd/"])
def test_long_hostile_text_takes_linear_time(anonymiser: Anonymiser, unit: str) -> None:
    """40,000 characters of one repeated pattern: a quadratic regular expression took minutes
    on half of this (and would stall an export); linear work takes seconds. No timed assertion:
    the test's own time-out (60 s, far above linear and far below quadratic) is what fails, and
    bench/anonymise.py measures the speed."""
    text = unit * (40_000 // len(unit))
    # Finishing is the assertion: a quadratic pattern runs into the time-out above.
    anonymiser.anonymise(text)
