"""Typed placeholders on their own (no detector): which written forms count as one value, and
which number a value gets. A reader of a training export notices both: "[NAAM-1]" must be the
same person throughout one conversation and a different person must not share it."""

from __future__ import annotations

import pytest

from helpline_core.anonymise.labels import Label
from helpline_core.anonymise.placeholders import Pseudonyms, value_key


@pytest.mark.parametrize(
    ("label", "text", "key"),
    [
        (Label.PERSON, "Frédéric  Van-Damme!", "frederic van damme"),
        (Label.PERSON, "LISA", "lisa"),
        (Label.PLACE, "Sint-Niklaas", "sint niklaas"),
        # A phone number is its last nine digits: +32 and 0 prefixes are one number.
        (Label.PHONE, "+32 476 12 34 56", "476123456"),
        (Label.PHONE, "0476/12.34.56", "476123456"),
        (Label.PHONE, "056 22 33 44", "056223344"),
        (Label.NATIONAL_ID, "85.07.30-033.28", "85073003328"),
        (Label.IBAN, "BE68 5390 0754 7034", "be68539007547034"),
    ],
)
def test_the_identity_of_a_value(label: Label, text: str, key: str) -> None:
    assert value_key(label, text) == key


def test_numbers_count_people_not_spellings() -> None:
    names = Pseudonyms()
    assert names.number(Label.PERSON, "Lisa Peeters") == 1
    assert names.number(Label.PERSON, "lisa") == 1
    assert names.number(Label.PERSON, "PEETERS") == 1
    # Three spellings of Lisa were seen, one person: the next person is 2, not 4.
    assert names.number(Label.PERSON, "Tom") == 2
    assert names.number(Label.PERSON, "Anna Claes") == 3
    assert names.number(Label.PERSON, "claes") == 3
    assert names.number(Label.PERSON, "Tom") == 2
    # A first name seen alone, then with a surname: still one person, and so is the surname.
    assert names.number(Label.PERSON, "Emma") == 4
    assert names.number(Label.PERSON, "Emma Janssens") == 4
    assert names.number(Label.PERSON, "janssens") == 4
    assert names.number(Label.PERSON, "Noor") == 5


def test_each_label_counts_on_its_own_and_only_names_share_their_words() -> None:
    names = Pseudonyms()
    assert names.number(Label.PERSON, "Gent") == 1
    assert names.number(Label.PLACE, "Sint Niklaas") == 1
    # A place is one thing: its words are not places of their own.
    assert names.number(Label.PLACE, "Niklaas") == 2
    assert names.number(Label.PHONE, "0476 12 34 56") == 1
    assert names.number(Label.PHONE, "+32476123456") == 1
    assert names.number(Label.PHONE, "0476 99 34 56") == 2


def test_the_replacement_is_in_the_language_asked() -> None:
    names = Pseudonyms()
    assert names.replacement(Label.PERSON, "Lisa", "nl") == "[NAAM-1]"
    assert names.replacement(Label.PERSON, "Tom", "fr") == "[NOM-2]"
    assert names.replacement(Label.PERSON, "lisa", "en") == "[NAME-1]"
    assert names.replacement(Label.IBAN, "BE68 5390 0754 7034", "fr") == "[COMPTE-1]"
    # A language the helpline does not speak gets Dutch, the first.
    assert names.replacement(Label.PHONE, "0476 12 34 56", "de") == "[TELEFOON-1]"
