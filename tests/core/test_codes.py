"""The registration code list: the shipped default loads, and a broken list is refused in one
line that names the fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline_core.codes import DEFAULT_CODES_FILE, CodeListError, load_code_list, parse_code_list


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
