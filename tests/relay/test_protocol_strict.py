"""Through a real relay: the protocol version is a strict integer, and a lone surrogate is told
apart from broken JSON (docs/protocol.md, "General rules")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.asyncio.client import connect

from helpline_core import protocol as p
from tests.conftest import TEST_PASSWORD
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
NOT_AN_INT = ['"1"', "1.0", "true", '"01"', "[1]"]


async def test_a_visitor_hello_with_a_version_that_is_not_an_integer_is_refused(
    relay: RunningRelay,
) -> None:
    async with visitor(relay.ws_url, hello=False) as v:
        for version in NOT_AN_INT:
            await v.send_raw(f'{{"type":"hello","version":{version}}}')
            error = await v.expect(p.SError)
            assert (error.code, error.detail) == ("invalid", "hello.version: int_type"), version
            assert v.buffer == []  # no welcome
        welcome = await v.hello()  # the connection stays usable: nothing was lost
        assert welcome.version == p.PROTOCOL_VERSION


async def test_a_console_login_with_a_version_that_is_not_an_integer_is_refused(
    relay: RunningRelay, ann: str
) -> None:
    async with connect(f"{relay.ws_url}/console") as socket:
        for version in NOT_AN_INT:
            await socket.send(
                f'{{"type":"login","version":{version},"username":"{ann}",'
                f'"password":{json.dumps(TEST_PASSWORD)}}}'
            )
            error = p.parse_console_server_frame(await socket.recv())
            assert isinstance(error, p.SError), version  # not login_ok
            assert (error.code, error.detail) == ("invalid", "login.version: int_type")


async def test_a_lone_surrogate_gets_its_own_error_not_expected_one_json_object(
    relay: RunningRelay,
) -> None:
    async with visitor(relay.ws_url) as v:
        await v.send_raw('{"type":"start","nickname":"Mira\\ud800"}')
        error = await v.expect(p.SError)
        assert error.code == "bad_json"
        assert error.detail == p.LONE_SURROGATE
        await v.send_raw('{"type":"start",')
        broken = await v.expect(p.SError)
        assert (broken.code, broken.detail) == ("bad_json", "expected one JSON object")
        queued = await v.start("Mira\U0001f600")  # a proper pair is fine
        assert queued.position >= 1


lone = st.integers(0xD800, 0xDFFF).map(lambda n: f"\\u{n:04x}")


@given(
    before=st.text(alphabet="abc xyz", max_size=5),
    surrogate=lone,
    field=st.sampled_from(["nickname", "text"]),
)
def test_any_unpaired_surrogate_escape_is_named(before: str, surrogate: str, field: str) -> None:
    for parse in (p.parse_visitor_frame, p.parse_console_frame):
        raw = f'{{"type":"message","client_id":"c1","{field}":"{before}{surrogate}"}}'
        with pytest.raises(p.ProtocolError) as refused:
            parse(raw)
        assert (refused.value.code, refused.value.detail) == ("bad_json", p.LONE_SURROGATE)


def _table_types(section: str) -> list[str]:
    """The `type` of every row of the table under the heading `section` in docs/protocol.md."""
    text = DOC.read_text(encoding="utf-8").split(f"### {section}\n", 1)[1]
    rows = text.split("\n### ", 1)[0].splitlines()
    return [row.split("`")[1] for row in rows if row.startswith("| `")]


def _union_types(union: object) -> list[str]:
    members = get_args(get_args(union)[0])
    return sorted(get_args(member.model_fields["type"].annotation)[0] for member in members)


def test_the_visitor_tables_list_each_frame_of_the_protocol_once() -> None:
    for section, union in (
        ("Visitor -> relay", p.VisitorFrame),
        ("Relay -> visitor", p.VisitorServerFrame),
    ):
        listed = _table_types(section)
        assert sorted(listed) == _union_types(union), section
