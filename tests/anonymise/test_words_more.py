"""Word detectors, classes found by a fresh hand-labelled set: postcodes with a country prefix or
alone after a place preposition, four-digit house numbers and French number-first addresses,
Flemish diminutives, initials with a surname, cue phrases before names that are also words,
ordinary words after a determiner, brands, holidays, identifier names and Brussels places."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline_core.anonymise import Anonymiser
from helpline_core.anonymise.labels import Label

SLOW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def labels(anonymiser: Anonymiser, text: str) -> list[tuple[str, Label]]:
    return [(text[s.start : s.end], s.label) for s in anonymiser.find(text)]


def found(anonymiser: Anonymiser, text: str, value: str, label: Label | None = None) -> bool:
    return any(
        value in part and (label is None or got is label) for part, got in labels(anonymiser, text)
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("stuur het naar Kerkstraat 4, B-9000 Gent aub", "B-9000 Gent"),
        ("adres: Stationsstraat 12, BE-2800 Mechelen", "BE-2800 Mechelen"),
        ("il habite rue Haute 3, B 4000 Liège", "B 4000 Liège"),
        ("we zijn verhuisd naar de 9300, ver van school", "9300"),
        ("elle habite à 1030 depuis l'été", "1030"),
    ],
)
def test_postcode_with_prefix_or_alone(anonymiser: Anonymiser, text: str, value: str) -> None:
    assert found(anonymiser, text, value, Label.POSTCODE_CITY), labels(anonymiser, text)


@pytest.mark.parametrize(
    "text",
    ["in 2019 ben ik verhuisd", "ik heb 9300 punten in dat spel", "in de 9999 sterren"],
)
def test_postcode_alone_needs_preposition_valid_code_and_no_year(
    anonymiser: Anonymiser, text: str
) -> None:
    assert not any(label is Label.POSTCODE_CITY for _, label in labels(anonymiser, text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("wij wonen Brusselsesteenweg 1350, Overijse", "Brusselsesteenweg 1350"),
        ("j'habite Chaussée de Louvain 1187 bte 12 à Evere", "Chaussée de Louvain 1187 bte 12"),
        ("elle vit au n° 8 de la rue des Coquelicots à Namur", "8 de la rue des Coquelicots"),
        ("il reste n°14 rue Vanderkindere", "14 rue Vanderkindere"),
        ("hij woont Molenstraat 7 bus 2 in Lier", "Molenstraat 7 bus 2"),
    ],
)
def test_addresses(anonymiser: Anonymiser, text: str, value: str) -> None:
    assert found(anonymiser, text, value, Label.ADDRESS), labels(anonymiser, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("de mama van Emma'ke is heel streng", "Emma'ke"),
        ("robbeke van de overkant zit alleen", "robbeke"),
        ("Lotteke en ik spelen samen", "Lotteke"),
        ("mijn buur noemt hem Miel'ke", "Miel'ke"),
        ("Met vriendelijke groet,\nK. Janssens", "K. Janssens"),
        ("verslag door dr. M. Wouters", "M. Wouters"),
        ("ik heet jade en ik ben bang", "jade"),
        ("c'est fleur, ma cousine", "fleur"),
        ("la grande sœur de rose me frappe", "rose"),
        ("my stepmums boyfriend Bill is mean", "Bill"),
        ("tonton Jojo vient tous les dimanches", "Jojo"),
    ],
)
def test_person_classes(anonymiser: Anonymiser, text: str, value: str) -> None:
    assert found(anonymiser, text, value, Label.PERSON), labels(anonymiser, text)


@pytest.mark.parametrize(
    "text",
    [
        "ik kocht een roos voor mama",
        "il m'a donné une pierre",
        "elle porte sa robe rose",
        "stuur mij de lien aub",  # chat abbreviation + name-word after a determiner
        "bel aub terug",
        "dees is ni normaal",
        "c'est trop",
        "j'en peux plus",
        "qu'il arrête",
        "hij rijdt met een Mercedes",
        "on va au Delhaize ce soir",
        "elle conduit une Clio",
        "tijdens de Ramadan is het rustig",
        "après l'Aïd il recommence",
        "RRN: staat op de kaart",
        "mijn IBAN heb ik niet",
        "Madame, Monsieur,\nje vous écris",
        "mijn broer kent hem",
        "ik ben moe en ik wil slapen",
        "my dog is called buddy",
    ],
)
def test_ordinary_words_stay(anonymiser: Anonymiser, text: str) -> None:
    assert not any(label is Label.PERSON for _, label in labels(anonymiser, text)), labels(
        anonymiser, text
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ik woon in Woluwe sinds vorig jaar", "Woluwe"),
        ("il vit à Molenbeek avec sa tante", "Molenbeek"),
        ("on habite à Saint-Josse", "Saint-Josse"),
        ("de redder van zwembad Longchamp keek raar", "zwembad Longchamp"),
        ("ik ga naar jeugdhuis Den Eglantier", "jeugdhuis Den Eglantier"),
        ("hij speelt bij KSV Roeselare", "KSV Roeselare"),
    ],
)
def test_places(anonymiser: Anonymiser, text: str, value: str) -> None:
    assert found(anonymiser, text, value, Label.PLACE), labels(anonymiser, text)


def test_shop_as_workplace_is_still_a_place(anonymiser: Anonymiser) -> None:
    assert found(anonymiser, "ze werkt bij Lidl in Hasselt", "Lidl", Label.PLACE)


FIRST = ["jens", "lisa", "fien", "warre", "emma", "lotte", "nina", "ruben", "seppe", "hanne"]
SUFFIX = ["'ke", "ke", "je", "ken", "eke", "ske", "'tje"]


@SLOW
@given(
    name=st.sampled_from(FIRST),
    suffix=st.sampled_from(SUFFIX),
    case=st.sampled_from([str.lower, str.capitalize, str.upper]),
)
def test_any_diminutive_after_ik_ben(
    anonymiser: Anonymiser, name: str, suffix: str, case: object
) -> None:
    word = case(name + suffix)  # type: ignore[operator]
    text = f"ik ben {word} en ik heb een vraag"
    assert found(anonymiser, text, word, Label.PERSON), labels(anonymiser, text)


WORD_NAMES = ["roos", "rose", "pierre", "lien", "iris", "fleur", "blanche", "jade", "amber"]


@SLOW
@given(
    article=st.sampled_from(["een", "de", "un", "une", "la", "le", "the", "a", "mon", "ma"]),
    word=st.sampled_from(WORD_NAMES),
)
def test_name_word_after_determiner_stays(anonymiser: Anonymiser, article: str, word: str) -> None:
    text = f"hij gaf {article} {word} aan haar"
    assert not any(label is Label.PERSON for _, label in labels(anonymiser, text)), labels(
        anonymiser, text
    )


@SLOW
@given(
    code=st.sampled_from(["1000", "2000", "3000", "8500", "9000", "4000"]),
    sep=st.sampled_from(["B-", "B ", "BE-", "b-"]),
)
def test_prefixed_postcode(anonymiser: Anonymiser, code: str, sep: str) -> None:
    text = f"adres: Kerkstraat 3, {sep}{code} Gent"
    assert found(anonymiser, text, f"{sep}{code}", Label.POSTCODE_CITY), labels(anonymiser, text)
