"""When a bounce's text names a data subject's address (services.rights.subject._names): as a
whole address, never inside a longer one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpline_core.services.rights.subject import _names

LOCAL = st.text("abcdefghijklmnopqrstuvwxyz0123456789._+-", min_size=1, max_size=12).filter(
    lambda local: local[0].isalnum() and local[-1].isalnum()
)
DOMAIN = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8),
                  min_size=2, max_size=4).map(".".join)  # fmt: skip
ADDRESS = st.builds(lambda local, domain: f"{local}@{domain}", LOCAL, DOMAIN)
APART = st.sampled_from([" ", "<", ">", ":", ";", ",", "\n", "(", ")", '"', "'", "=", ""])


@given(ADDRESS, APART, APART, st.text(max_size=20), st.text(max_size=20), st.booleans())
def test_an_address_set_apart_is_named_in_any_case(
    address: str, before: str, after: str, head: str, tail: str, upper: bool
) -> None:
    shown = address.upper() if upper else address
    text = (head + " " if head else "") + before + shown + after + (" " + tail if tail else "")
    assert _names(text, address)


@given(ADDRESS, st.sampled_from(["h", "x.", "9", "_", "+", "-", "%"]))
def test_an_address_inside_a_longer_local_part_is_not_named(address: str, extra: str) -> None:
    assert not _names(f"Delivery to {extra}{address} failed", address)


@given(ADDRESS, st.sampled_from([".uk", "x", "-mail.org", "9"]))
def test_an_address_inside_a_longer_domain_is_not_named(address: str, extra: str) -> None:
    assert not _names(f"Delivery to {address}{extra} failed", address)


def test_a_sentence_stop_after_the_address_still_names_it() -> None:
    assert _names("It could not be delivered to anna@example.org.", "anna@example.org")
    assert _names("mailto:anna@example.org", "anna@example.org")
