"""Property tests of the registration's validation: any values either pass or are refused with
InvalidValue naming the field, and values drawn from the code list always pass."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpline_core.codes import load_code_list
from helpline_core.services import registrations as reg
from helpline_core.services.actors import InvalidValue

CODES = load_code_list()
junk = st.text(max_size=12)


def codes_or_junk(kind: str) -> st.SearchStrategy[str]:
    return st.sampled_from(CODES.codes_of(kind)) | junk


victims = st.builds(
    reg.Victim, codes_or_junk("age_bands"), codes_or_junk("sexes"), codes_or_junk("relations")
)


@given(
    contact_type=codes_or_junk("contact_types"),
    forms=st.lists(st.sampled_from(CODES.form_codes) | junk, max_size=4),
    role=codes_or_junk("roles"),
    age_group=codes_or_junk("age_bands"),
    victims=st.lists(victims, max_size=3),
    referrals=st.lists(codes_or_junk("referrals"), max_size=3),
    final=st.booleans(),
)
def test_validation_passes_or_names_the_field(
    contact_type: str, forms: list[str], role: str, age_group: str,
    victims: list[reg.Victim], referrals: list[str], final: bool,
) -> None:  # fmt: skip
    values = reg.RegistrationValues(
        contact_type=contact_type, forms=tuple(forms), role=role, age_group=age_group,
        victims=tuple(victims), referrals=tuple(referrals),
    )  # fmt: skip
    try:
        reg.validate(CODES, values, final=final)
    except InvalidValue as error:
        field = str(error).split(":", 1)[0]
        assert field in {"contact_types", "forms", "roles", "age_bands", "sexes", "relations",
                         "referrals"}  # fmt: skip
        return
    for victim in values.victims:
        assert victim.relation in CODES.codes_of("relations")
    assert set(values.forms) <= set(CODES.form_codes)


@given(
    forms=st.lists(st.sampled_from(CODES.form_codes), min_size=1, max_size=5, unique=True),
    victims=st.lists(
        st.builds(
            reg.Victim,
            st.sampled_from(CODES.codes_of("age_bands")),
            st.sampled_from(CODES.codes_of("sexes")),
            st.sampled_from(CODES.codes_of("relations")),
        ),
        max_size=5,
    ),
)
def test_values_from_the_list_always_pass(forms: list[str], victims: list[reg.Victim]) -> None:
    reg.validate(CODES, reg.RegistrationValues(forms=tuple(forms), victims=tuple(victims)),
                 final=True)  # fmt: skip
