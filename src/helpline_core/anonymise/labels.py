"""What the anonymiser finds (labels) and writes instead (typed placeholders per language)."""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    """A kind of identifying span (issue 13; DESIGN.md G2)."""

    PERSON = "PERSON"
    ADDRESS = "ADDRESS"
    POSTCODE_CITY = "POSTCODE_CITY"
    PLACE = "PLACE"  # towns, schools, workplaces, hospitals
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    URL = "URL"
    IP = "IP"
    USERNAME = "USERNAME"  # handles on social media and games
    NATIONAL_ID = "NATIONAL_ID"  # Belgian national register and BIS numbers, VAT numbers
    IBAN = "IBAN"
    LICENSE_PLATE = "LICENSE_PLATE"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    DATE = "DATE"
    AGE = "AGE"


# The placeholder word per label and language; "[NAAM-1]" in Dutch, "[NOM-1]" in French.
PLACEHOLDER_WORDS: dict[Label, tuple[str, str, str]] = {
    # label: (nl, fr, en)
    Label.PERSON: ("NAAM", "NOM", "NAME"),
    Label.ADDRESS: ("ADRES", "ADRESSE", "ADDRESS"),
    Label.POSTCODE_CITY: ("POSTCODE-GEMEENTE", "CODE-POSTAL-COMMUNE", "POSTCODE-TOWN"),
    Label.PLACE: ("PLAATS", "LIEU", "PLACE"),
    Label.PHONE: ("TELEFOON", "TELEPHONE", "PHONE"),
    Label.EMAIL: ("EMAIL", "EMAIL", "EMAIL"),
    Label.URL: ("URL", "URL", "URL"),
    Label.IP: ("IP", "IP", "IP"),
    Label.USERNAME: ("GEBRUIKERSNAAM", "PSEUDO", "USERNAME"),
    Label.NATIONAL_ID: ("RIJKSREGISTERNUMMER", "NUMERO-NATIONAL", "NATIONAL-ID"),
    Label.IBAN: ("REKENINGNUMMER", "COMPTE", "ACCOUNT"),
    Label.LICENSE_PLATE: ("NUMMERPLAAT", "PLAQUE", "LICENCE-PLATE"),
    Label.DATE_OF_BIRTH: ("GEBOORTEDATUM", "DATE-DE-NAISSANCE", "DATE-OF-BIRTH"),
    Label.DATE: ("DATUM", "DATE", "DATE"),
    Label.AGE: ("LEEFTIJD", "AGE", "AGE"),
}

LANGUAGES = ("nl", "fr", "en")


def placeholder(label: Label, number: int, language: str) -> str:
    """The placeholder text, e.g. placeholder(Label.PERSON, 1, "nl") == "[NAAM-1]"."""
    index = LANGUAGES.index(language) if language in LANGUAGES else 0
    return f"[{PLACEHOLDER_WORDS[label][index]}-{number}]"


# Matches every placeholder this module writes, so anonymising twice changes nothing.
PLACEHOLDER_PATTERN = r"\[[A-Z][A-Z-]*-\d+\]"
