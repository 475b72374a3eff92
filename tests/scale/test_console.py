"""One real console (the Textual app under Pilot) through HAProxy in front of three relays:
it chats with a visitor on whichever relay, and shows Redis going away and coming back."""

from __future__ import annotations

from helpline_core.config import Settings
from helpline_tui.app import ConsoleApp
from tests.conftest import MakeCounsellor
from tests.support.cluster import Cluster
from tests.support.visitor_client import visitor
from tests.tui.conftest import screen_text, wait_for
from tests.tui.test_console_flow import take_the_waiting_chat


async def test_console_behind_the_load_balancer_shows_a_redis_outage_while_it_lasts(
    settings: Settings, three: Cluster, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("kim", team="antwerpen", display_name="Kim")
    a = three.relays[0]
    async with visitor(a.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = ConsoleApp(settings, server=f"{three.ws_url}/console")
        async with app.run_test(size=(120, 30)) as pilot:
            screen = await take_the_waiting_chat(pilot, "kim")
            client = app.client
            assert client is not None and screen.current is not None
            conversation = client.state.conversations[screen.current]
            await mira.say("hallo", client_id="v1")
            await wait_for(pilot, lambda: len(conversation.messages) == 1, "the visitor's line")

            three.redis.stop()
            await wait_for(
                pilot, lambda: "niet live zichtbaar" in screen_text(pilot), "the Redis banner"
            )
            await three.redis.start()
            await wait_for(
                pilot, lambda: "niet live zichtbaar" not in screen_text(pilot), "banner gone"
            )
            await mira.say("weer daar", client_id="v2")
            await wait_for(pilot, lambda: len(conversation.messages) == 2, "the next line")
            assert [m.text for m in conversation.messages] == ["hallo", "weer daar"]
