"""The registration code list: the shipped default loads, and a broken list is refused in one
line that names the fault."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from helpline_core.codes import (
    DEFAULT_CODES_FILE,
    Code,
    CodeList,
    CodeListError,
    load_code_list,
    parse_code_list,
)


def test_default_list_has_every_category_the_issue_names_and_unknowns() -> None:
    codes = load_code_list()
    tops = {form.code for form in codes.forms}
    assert {
        "physical",
        "psychological",
        "sexual",
        "economic",
        "neglect",
        "online",
        "harmful_practice",
        "partner",
        "child_abuse",
        "elder_abuse",
        "unknown",
    } <= tops
    assert {"information", "silent", "test", "abusive"} <= set(codes.codes_of("contact_types"))
    assert not codes.contact_type("silent").counselling
    assert codes.contact_type("counselling").counselling
    assert set(codes.codes_of("roles")) >= {"victim", "perpetrator", "bystander", "professional"}
    assert codes.codes_of("age_bands") == (
        "0-11",
        "12-17",
        "18-24",
        "25-44",
        "45-64",
        "65+",
        "unknown",
    )
    for kind in ("roles", "sexes", "regions", "relations", "referrals"):
        assert {"unknown", "other"} & set(codes.codes_of(kind)), kind


def test_form_codes_are_categories_and_subforms_with_labels() -> None:
    codes = load_code_list()
    assert codes.is_form("sexual") and codes.is_form("sexual.rape")
    assert not codes.is_form("rape")
    assert codes.top_level("online.grooming") == "online"
    assert codes.form_label("online.grooming", "nl") == "Online geweld: Grooming"
    assert codes.form_label("partner", "en") == "Partner violence"


def test_intake_answers_map_onto_bands_or_unknown() -> None:
    codes = load_code_list()
    assert codes.age_band_for_intake("12_17") == "12-17"
    # The page's 25-39 answer straddles two bands: it must not be guessed.
    assert codes.age_band_for_intake("25_39") == "unknown"
    assert codes.age_band_for_intake(None) == "unknown"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda text: text.replace('version = "2026.1"', ""), "'version'"),
        (
            lambda text: text.replace(
                'code = "unknown"\nnl = "Onbekend / andere vorm"', 'code = "x1"\nnl = "?"'
            ),
            "'form' needs an 'unknown'",
        ),
        (lambda text: text.replace('code = "male"', 'code = "female"'), "same code twice"),
        (
            lambda text: text.replace('code = "physical"', 'code = "Physical Violence"'),
            "may hold only",
        ),
        (lambda text: text + "\n[[", "not valid TOML"),
    ],
)
def test_a_broken_list_is_refused_in_one_line(edit, expected: str) -> None:  # type: ignore[no-untyped-def]
    text = edit(DEFAULT_CODES_FILE.read_text(encoding="utf-8"))
    with pytest.raises(CodeListError, match=expected) as caught:
        parse_code_list(text, Path("codes.toml"))
    assert "\n" not in str(caught.value)


def _labelled(codes: CodeList) -> list[tuple[str, Code]]:
    """Every labelled entry of a list (all but the age bands) and where it sits."""
    found: list[tuple[str, Code]] = []
    for form in codes.forms:
        found.append(("form", form))
        found += [(f"form {form.code}", sub) for sub in form.sub]
    for kind in ("contact_types", "roles", "sexes", "regions", "relations", "referrals"):
        found += [(kind, entry) for entry in getattr(codes, kind)]
    return found


def test_every_entry_of_the_default_list_has_its_own_french_label() -> None:
    # A French-speaking subject's copy of their file shows these words (R1).
    raw = tomllib.loads(DEFAULT_CODES_FILE.read_text(encoding="utf-8"))
    written = [entry for key in raw if key != "age_band" and isinstance(raw[key], list)
               for entry in raw[key]]  # fmt: skip
    written += [sub for form in raw["form"] for sub in form["sub"]]
    assert all(isinstance(entry.get("fr"), str) for entry in written), [
        entry["code"] for entry in written if "fr" not in entry
    ]
    entries = _labelled(load_code_list())
    assert len(entries) == len(written) > 90
    for where, entry in entries:
        assert entry.fr.strip() and entry.fr != entry.code, (where, entry.code)
        assert entry.label("fr") == entry.fr, (where, entry.code)
    assert load_code_list().form_label("psychological.stalking", "fr") == (
        "Violence psychologique / émotionnelle: Harcèlement (stalking)"
    )
    assert load_code_list().form_label("partner", "fr") == "Violence entre partenaires"


def test_labels_by_language_and_any_other_language_reads_english() -> None:
    region = next(entry for entry in load_code_list().regions if entry.code == "antwerpen")
    assert (region.label("nl"), region.label("fr"), region.label("en")) == (
        "Antwerpen", "Anvers", "Antwerp")  # fmt: skip
    assert region.label("de") == "Antwerp"


def test_a_list_without_french_labels_reads_english_in_french_then_the_code() -> None:
    # A helpline's own list written before French labels existed: French readers get its
    # English words, never a bare code where an English label exists.
    text = re.sub(r'(, fr = "[^"]*"|\nfr = "[^"]*")', "", DEFAULT_CODES_FILE.read_text("utf-8"))
    assert "fr =" not in text
    text = text.replace('nl = "Vrouw"\nen = "Female"', "")  # no label at all: the code
    text = text.replace('en = "Antwerp"', "")  # Dutch only: French and English read the code
    codes = parse_code_list(text, Path("codes.toml"))
    for where, entry in _labelled(codes):
        assert entry.label("fr") == entry.en, (where, entry.code)
    assert codes.form_label("psychological.stalking", "fr") == (
        "Psychological / emotional violence: Stalking"
    )
    female = next(entry for entry in codes.sexes if entry.code == "female")
    assert (female.nl, female.fr, female.en) == ("female", "female", "female")
    antwerp = next(entry for entry in codes.regions if entry.code == "antwerpen")
    assert (antwerp.nl, antwerp.fr, antwerp.en) == ("Antwerpen", "antwerpen", "antwerpen")
