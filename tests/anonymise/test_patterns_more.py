"""Pattern detectors, classes found by a fresh hand-labelled set: Belgian mobile numbers without
their 0 and telephone numbers read out in words, ages in words, dialect and short forms, bare ages
after a name, school years, age limits and articles that stay, day/month dates, obfuscated e-mail
addresses and dates of birth after "°"."""

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


def found(anonymiser: Anonymiser, text: str, value: str, label: Label) -> bool:
    return (value, label) in labels(anonymiser, text)


# ---- PHONE


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("bel mij op 495 33 21 07 na school", "495 33 21 07"),
        ("mon gsm: 4 86 44 12 90, merci", "4 86 44 12 90"),
        ("text me 478/55.66.77 tonight", "478/55.66.77"),
        ("gsm 479123456", "479123456"),
    ],
)
def test_mobile_number_without_its_zero(anonymiser: Anonymiser, text: str, value: str) -> None:
    assert found(anonymiser, text, value, Label.PHONE), labels(anonymiser, text)


def test_nine_digits_in_one_block_without_a_hint_stay(anonymiser: Anonymiser) -> None:
    assert not any(lab is Label.PHONE for _, lab in labels(anonymiser, "dossier 471234567 ok"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "schrijf op: nul vier acht zes, drieëntwintig vijfenveertig negentien",
            "nul vier acht zes, drieëntwintig vijfenveertig negentien",
        ),
        (
            "c'est zéro quatre nonante-deux septante et un quatre-vingt-dix-neuf treize ok",
            "zéro quatre nonante-deux septante et un quatre-vingt-dix-neuf treize",
        ),
        (
            "call zero four eight one twenty-two thirty three forty four later",
            "zero four eight one twenty-two thirty three forty four",
        ),
        ("het vaste nummer is nul negen twee drie drie vier vijf zes zeven", None),
    ],
)
def test_phone_number_in_words(anonymiser: Anonymiser, text: str, value: str | None) -> None:
    phones = [v for v, lab in labels(anonymiser, text) if lab is Label.PHONE]
    assert phones, labels(anonymiser, text)
    if value is not None:
        assert phones == [value]


NL = ["nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
FR = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
EN = ["oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
NL_TENS = ["", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig"]
NL_TENS += ["negentig"]
FR_TENS = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante", "septante"]
FR_TENS += ["quatre-vingt", "nonante"]
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _pair(n: int, lang: str) -> str:
    """A two-digit group 20-99 in words."""
    tens, unit = divmod(n, 10)
    if lang == "nl":
        if not unit:
            return NL_TENS[tens]
        link = "ën" if NL[unit].endswith("e") else "en"
        return NL[unit] + link + NL_TENS[tens]
    if lang == "fr":
        return FR_TENS[tens] + (f"-{FR[unit]}" if unit else "")
    return EN_TENS[tens] + (f" {EN[unit]}" if unit else "")


@SLOW
@given(
    lang=st.sampled_from(["nl", "fr", "en"]),
    second=st.integers(5, 9),
    third=st.integers(0, 9),
    pairs=st.lists(st.integers(20, 99), min_size=3, max_size=3),
)
def test_any_mobile_number_spelled_in_words_is_a_phone(
    anonymiser: Anonymiser, lang: str, second: int, third: int, pairs: list[int]
) -> None:
    digits = {"nl": NL, "fr": FR, "en": EN}[lang]
    words = [digits[0], digits[4], digits[second], digits[third]]
    words += [_pair(p, lang) for p in pairs]
    spoken = " ".join(words)
    text = f"mijn nummer: {spoken}, merci"
    assert found(anonymiser, text, spoken, Label.PHONE), labels(anonymiser, text)


@SLOW
@given(
    second=st.integers(6, 9),
    rest=st.lists(st.integers(0, 9), min_size=7, max_size=7),
    grouping=st.sampled_from([[3, 2, 2, 2], [1, 2, 2, 2, 2], [3, 3, 3], [3, 6], [9]]),
    first_sep=st.sampled_from([" ", "/", "", "-"]),
    sep=st.sampled_from([" ", ""]),  # dotted digit pairs may be IP addresses or dates
)
def test_any_mobile_number_without_its_zero_in_any_spacing(
    anonymiser: Anonymiser,
    second: int,
    rest: list[int],
    grouping: list[int],
    first_sep: str,
    sep: str,
) -> None:
    digits = "".join(str(d) for d in [4, second, *rest])
    groups, at = [], 0
    for size in grouping:
        groups.append(digits[at : at + size])
        at += size
    number = groups[0] + (first_sep + sep.join(groups[1:]) if len(groups) > 1 else "")
    text = f"mijn gsm is {number} en niet dat van mijn ma"
    assert found(anonymiser, text, number, Label.PHONE), labels(anonymiser, text)


# ---- AGE


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ik ben een papa van 38 en ik weet het niet meer", "38"),
        ("Beste,\nIk ben Veerle, 52, en mijn buurman slaagt zijn hond", "52"),
        ("Hello, I'm Chloe, 19, and my landlord keeps coming in", "19"),
        ("kzen 15 en ik mag niks", "15"),
        ("'k ben 11 en ik durf ni naar huis", "11"),
        ("zij is 17 en ik 13, mag da?", "13"),
        ("volgende week word ik 14 en dan mag ik alleen", "14"),
        ("mijn broers zijn 6 en 9 jaar", "6"),
        ("hun dochtertje is een jaar of 3.", "3"),
        ("als ik zeventien ben ga ik weg", "zeventien"),
        ("my brother is twelve and he is scared", "twelve"),
        ("il a quarante-cinq ans et moi treize, je peux porter plainte?", "quarante-cinq"),
        ("il a quarante-cinq ans et moi treize, je peux porter plainte?", "treize"),
        ("mijn lief is tweeëntwintig, is da erg", "tweeëntwintig"),
        ("ik zit in het 5de middelbaar", "5de"),
        ("lieke hier, 4de middelbaar. help", "4de"),
        ("je suis en 2ème secondaire à Namur", "2ème"),
        ("jsuis à l'athénée royal en 4e et on me harcèle", "4e"),
    ],
)
def test_age_forms(anonymiser: Anonymiser, text: str, value: str) -> None:
    assert any(value in part and lab is Label.AGE for part, lab in labels(anonymiser, text)), (
        labels(anonymiser, text)
    )


@pytest.mark.parametrize(
    ("text", "stays"),
    [
        ("ik ben een mama van 29", "een"),
        ("hij is een jaar of 40", "een"),
        ("al drie jaar slaat hij mij", "drie jaar"),
        ("ça dure depuis deux ans", "deux ans"),
        ("it has gone on for three years now", "three years"),
        ("de chat is voor jongeren tot 25 jaar", "25 jaar"),
        ("pour les jeunes jusqu'à 25 ans", "25 ans"),
        ("young people under 25 can chat too", "under 25"),
        ("kinderen tussen 12 en 18 jaar mogen binnen", "12 en 18 jaar"),
        ("mijn meester van het 6de leerjaar doet raar", "6de"),
        ("mon vélo est neuf", "neuf"),
        ("hij is onze buurman", "onze"),
        ("ik ben twee keer gevallen", "twee"),
    ],
)
def test_not_an_age(anonymiser: Anonymiser, text: str, stays: str) -> None:
    assert stays in anonymiser.anonymise(text).text, labels(anonymiser, text)


@SLOW
@given(
    article=st.sampled_from(["een", "un", "une", "a", "Een", "Un"]),
    noun=st.sampled_from(["mama", "papa", "man", "vrouw", "père", "mère", "dad", "mum", "jongen"]),
    prep=st.sampled_from(["van", "de", "of"]),
    age=st.integers(1, 99),
    before=st.sampled_from(["ik ben", "je suis", "i'm", "hij is", "elle est", "she is"]),
)
def test_an_article_before_x_van_n_is_never_replaced(
    anonymiser: Anonymiser, article: str, noun: str, prep: str, age: int, before: str
) -> None:
    text = f"{before} {article} {noun} {prep} {age} en ik ben bang"
    out = anonymiser.anonymise(text).text
    assert out.startswith(f"{before} {article} "), out


@SLOW
@given(
    word=st.sampled_from(["twee", "drie", "vijf", "deux", "trois", "cinq", "two", "three", "five"]),
    unit=st.sampled_from(["jaar", "ans", "years"]),
    before=st.sampled_from(["al", "sinds", "depuis", "pendant", "for", "since"]),
)
def test_durations_in_words_stay(anonymiser: Anonymiser, word: str, unit: str, before: str) -> None:
    text = f"het gaat {before} {word} {unit} zo"
    assert anonymiser.anonymise(text).text == text


# ---- DATE, DATE_OF_BIRTH


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("vrijdag 21/11 moet ik naar de rechter", "21/11"),
        ("op 2/12 heeft hij mij geslagen", "2/12"),
        ("je l'ai vu le 28/10 devant l'école", "28/10"),
        ("it was 19/11, a thursday", "19/11"),
        ("we met on the 3rd of June at the station", "3rd of June"),
    ],
)
def test_day_and_month_without_a_year(anonymiser: Anonymiser, text: str, value: str) -> None:
    assert found(anonymiser, text, value, Label.DATE), labels(anonymiser, text)


@pytest.mark.parametrize(
    "text",
    [
        "de hulplijn is 24/7 open",
        "ik had 6/10 voor wiskunde",
        "de helft, 1/2 van de klas",
        "hij woont op nummer 12/3",
        "le cours est à 15.45",
    ],
)
def test_fractions_marks_and_times_stay(anonymiser: Anonymiser, text: str) -> None:
    assert not any(lab in (Label.DATE, Label.DATE_OF_BIRTH) for _, lab in labels(anonymiser, text))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("betreft Noah Claes (° 03/05/2014), leerling", "03/05/2014"),
        ("enfant: Léa Dubois, °21.09.2010", "21.09.2010"),
    ],
)
def test_date_after_degree_sign_is_a_date_of_birth(
    anonymiser: Anonymiser, text: str, value: str
) -> None:
    assert found(anonymiser, text, value, Label.DATE_OF_BIRTH), labels(anonymiser, text)


# ---- EMAIL


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "mail mij: ruben punt peeters at hotmail punt com aub",
            "ruben punt peeters at hotmail punt com",
        ),
        ("écris à julie.m(at)skynet.be stp", "julie.m(at)skynet.be"),
        ("reach me at sam [at] proton [dot] me", "sam [at] proton [dot] me"),
        ("mijn adres is noor apenstaartje telenet.be", "noor apenstaartje telenet.be"),
        ("c'est lucas arobase gmail point com", "lucas arobase gmail point com"),
    ],
)
def test_obfuscated_email(anonymiser: Anonymiser, text: str, value: str) -> None:
    assert found(anonymiser, text, value, Label.EMAIL), labels(anonymiser, text)
