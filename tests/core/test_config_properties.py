"""Property tests: any HELPLINE_* environment either loads or fails with one clear line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from helpline_core.config import ConfigError, load_settings

names = st.sampled_from(
    [
        "HELPLINE_RELAY__PORT",
        "HELPLINE_RELAY__ALLOWED_ORIGINS",
        "HELPLINE_CHAT_HOURS__MONDAY",
        "HELPLINE_CALENDAR__EXTRA_HOLIDAYS",
        "HELPLINE_TEAMS",
        "HELPLINE_MAIL__POLL_SECONDS",
        "HELPLINE_RELAY",
        "HELPLINE_NO_SUCH_KEY",
        "HELPLINE_RELAY__PORT__DEEPER",
    ]
)
values = st.one_of(
    st.text(max_size=40),
    st.integers().map(str),
    st.lists(st.text(max_size=10), max_size=3).map(lambda items: str(items).replace("'", '"')),
    st.just("{"),
    st.just("[1, 2"),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(names, values, max_size=4))
def test_any_environment_loads_or_gives_one_line(environ: dict[str, str]) -> None:
    try:
        load_settings(None, environ=environ)
    except ConfigError as error:
        message = str(error)
        assert message
        assert "\n" not in message
        assert "HELPLINE_" in message  # it names the variable to fix


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=65535))
def test_a_valid_port_in_the_environment_is_taken(port: int) -> None:
    assert load_settings(None, environ={"HELPLINE_RELAY__PORT": str(port)}).relay.port == port
