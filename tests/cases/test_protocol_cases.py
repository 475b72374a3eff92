"""Property tests of the registration and case-file frames: any input parses or is refused with
a protocol code, valid frames survive JSON, and file texts round-trip exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline_core import protocol as p
from helpline_core.codes import load_code_list

CODES = load_code_list()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=8,
)
field_names = st.sampled_from(
    ["case", "contact", "registration", "values", "final", "body", "assessment", "consent",
     "recipient", "justification", "what", "reason", "details", "query", "to_user", "team",
     "contact_at", "duration_seconds", "service", "scope", "third_party", "ref"]
)  # fmt: skip
TEXT = st.text(max_size=300).filter(lambda t: "\x00" not in t and t.strip())


@settings(max_examples=300, deadline=None)
@given(
    st.builds(
        lambda kind, fields: json.dumps({"type": kind, **fields}),
        st.sampled_from(sorted(p.CASE_REQUEST_TYPES)),
        st.dictionaries(field_names, json_values, max_size=6),
    )
)
def test_case_frames_parse_or_are_refused_with_a_code(raw: str) -> None:
    try:
        frame = p.parse_console_frame(raw)
    except p.ProtocolError as error:
        assert error.code in ("invalid", "bad_json")
        return
    assert p.parse_console_frame(frame.model_dump_json()) == frame


@given(
    forms=st.lists(st.sampled_from(CODES.form_codes), max_size=5, unique=True),
    victims=st.lists(
        st.builds(
            dict,
            age_group=st.sampled_from(CODES.codes_of("age_bands")),
            sex=st.sampled_from(CODES.codes_of("sexes")),
            relation=st.sampled_from(CODES.codes_of("relations")),
        ),
        max_size=4,
    ),
)
def test_every_code_of_the_list_fits_the_wire(forms: list[str], victims: list[Any]) -> None:
    raw = json.dumps(
        {"type": "registration_save", "registration": "r-1", "final": True,
         "values": {"forms": forms, "victims": victims}}
    )  # fmt: skip
    frame = p.parse_console_frame(raw)
    assert isinstance(frame, p.CRegistrationSave) and list(frame.values.forms) == forms


@given(assessment=TEXT, statement=TEXT)
def test_a_file_round_trips_with_the_statement_beside_its_assessment(
    assessment: str, statement: str
) -> None:
    at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    header = p.CaseHeader(
        case="c-1", team="antwerpen", details=p.CaseDetails(pseudonym="Kim"), status="open",
        opened_at=at, closed_at=None, legal_hold=False, legal_hold_reason=None, restricted=True,
    )  # fmt: skip
    frame = p.SCaseFile(
        header=header, contacts=[], notes=[], referrals=[], consents=[], disclosures=[],
        assessments=[p.AssessmentEntry(id=1, at=at, author="bert", body=assessment,
                                       statements=[p.TextEntry(id=2, at=at, author=None,
                                                               body=statement)])],
    )  # fmt: skip
    again = p.parse_console_server_frame(p.dump(frame))
    assert again == frame


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"consent": 1, "recipient": "police", "justification": "j"},
        {"recipient": "police"},
        {"justification": "j"},
        {"recipient": "neighbour", "justification": "j"},
    ],
)
def test_a_disclosure_needs_one_basis(extra: dict[str, object]) -> None:
    with pytest.raises(p.ProtocolError) as caught:
        p.parse_console_frame(
            json.dumps({"type": "case_disclose", "case": "c", "what": "w"} | extra)
        )
    assert caught.value.code == "invalid"
