"""The console's one authenticated websocket to the relay: login, commands, reconnect, resync.

Pure asyncio, no Textual: the app gives a `listener` callback and reads `client.state`. After a
dropped connection the client reconnects with back-off, logs in again with the session token of
its last login (never the password or a TOTP code again), asks each open conversation for what
came after its last known seq, and resends lines the relay never acknowledged (same client id, so
the relay stores each line once).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import uuid
from collections.abc import Callable

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from helpline_core.clock import utcnow
from helpline_core.protocol import (
    PROTOCOL_VERSION,
    CBlock,
    CEnd,
    CFrame,
    CHandover,
    CInvite,
    CJoin,
    CLeave,
    CLogin,
    CLogout,
    ConsoleServerFrame,
    COverview,
    CSend,
    CSetStatus,
    CSync,
    CTake,
    CTakeOver,
    CTyping,
    SLoginOk,
    dump,
    parse_console_server_frame,
)
from helpline_tui import events as ev
from helpline_tui.client_types import (
    Answer,
    Backoff,
    Credentials,
    LoginError,
    RequestError,
    Waiter,
    conversation_answer,
    frame_about,
)
from helpline_tui.handlers import apply_frame
from helpline_tui.state import ClientState, Pending

__all__ = ["Backoff", "ConsoleClient", "LoginError", "RequestError"]

Listener = Callable[[ev.Event], None]
MAX_INCOMING_BYTES = 32 * 1024 * 1024  # a long transcript arrives in one frame
TYPING_TIMEOUT_SECONDS = 8.0  # a "typing" shown longer without news is stale (a lost frame)
# Close codes after which the console must not reconnect on its own (docs/protocol.md).
CUT_OFF = {4000: "superseded", 4003: "disabled"}


class ConsoleClient:
    def __init__(
        self,
        url: str,
        listener: Listener,
        *,
        ssl_context: ssl.SSLContext | None = None,
        backoff: Backoff | None = None,
        open_timeout: float = 5.0,
        request_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.state = ClientState()
        self._listener = listener
        self._ssl = ssl_context
        self._backoff = backoff or Backoff()
        self._open_timeout = open_timeout
        self._request_timeout = request_timeout
        self._ws: ClientConnection | None = None
        self._credentials: Credentials | None = None
        self._runner: asyncio.Task[None] | None = None
        self._waiting: dict[str, Waiter] = {}
        self._wanted_status: str | None = None
        self._closing = False
        self._typing_timers: dict[str, asyncio.TimerHandle] = {}
        self.connection: ev.ConnectionState = "offline"

    # ----- connection -----

    async def _open(self) -> ClientConnection:
        try:
            return await connect(
                self.url,
                ssl=self._ssl if self.url.startswith("wss:") else None,
                open_timeout=self._open_timeout,
                max_size=MAX_INCOMING_BYTES,
                compression=None,
            )
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI, ValueError) as error:
            raise LoginError("unreachable", type(error).__name__) from error

    async def _handshake(self, credentials: Credentials) -> tuple[ClientConnection, SLoginOk]:
        ws = await self._open()
        login = CLogin(
            type="login",
            version=PROTOCOL_VERSION,
            username=credentials.username,
            password="" if credentials.session else credentials.password,
            totp=None if credentials.session else credentials.totp or None,
            session=credentials.session,
        )
        try:
            await ws.send(dump(login))
            async with asyncio.timeout(self._request_timeout):
                while True:
                    frame = parse_console_server_frame(await ws.recv())
                    if frame.type == "login_ok":
                        return ws, frame
                    if frame.type == "login_failed":
                        raise LoginError(frame.reason, retry_after=frame.retry_after)
                    if frame.type == "error":
                        code = "version_mismatch" if frame.code == "version_mismatch" else "refused"
                        raise LoginError(code, frame.code)
        except (ConnectionClosed, TimeoutError, OSError) as error:
            await ws.close()
            raise LoginError("unreachable", type(error).__name__) from error
        except ValidationError as error:
            await ws.close()
            raise LoginError("version_mismatch", "unexpected frame") from error
        except LoginError:
            await ws.close()
            raise

    async def login(self, username: str, password: str, totp: str | None = None) -> SLoginOk:
        """Log in; on success the client keeps the connection alive until `close()`."""
        credentials = Credentials(username, password, totp)
        ws, welcome = await self._handshake(credentials)
        self._credentials = Credentials(username, "", None, welcome.session)
        self._closing = False
        await self._start(ws, welcome)
        self._runner = asyncio.create_task(self._run(), name="console-client")
        return welcome

    async def _start(self, ws: ClientConnection, welcome: SLoginOk) -> None:
        """A fresh connection: adopt the login state, resync conversations, resend pending lines."""
        self._ws = ws
        if self._credentials is not None and welcome.session:
            self._credentials.session = welcome.session  # each login_ok brings a fresh token
        known = dict(self.state.conversations)
        for conversation in known.values():
            conversation.typing = None  # whoever typed before the drop is told again if still so
        self.state.me = welcome
        self.state.overview = None  # the relay stopped pushing it when the connection dropped
        self.state.service_down = []  # this relay sends `service` after login if something is out
        self.state.status = welcome.status
        self.state.max_chats = welcome.max_chats
        for info in welcome.conversations:
            self.state.upsert(info)
        for conversation_id, conversation in known.items():
            still_open = any(info.id == conversation_id for info in welcome.conversations)
            if not still_open and not conversation.closed_reason:
                conversation.closed_reason = "ended"
        self._set_connection("online")
        self._emit(ev.LoggedIn(welcome))
        for info in welcome.conversations:
            conversation = self.state.conversations[info.id]
            conversation.sync_requested_after = conversation.synced_seq
            await self._raw_send(
                CSync(type="sync", conversation=info.id, after=conversation.synced_seq)
            )
            for pending in list(conversation.pending.values()):
                await self._send_pending(info.id, pending)
        if self._wanted_status and self._wanted_status != welcome.status:
            await self._raw_send(CSetStatus(type="set_status", status=self._wanted_status))

    async def _run(self) -> None:
        attempt = 0
        while not self._closing:
            ws = self._ws
            if ws is not None:
                await self._read(ws)
            if self._closing:
                break
            if ws is not None and ws.close_code in CUT_OFF:
                # Another console took this account's session, or the account was disabled:
                # say so and stay off. Reconnecting would take the session back, and so on.
                self._ws = None
                self._fail_waiting("offline")
                self._set_connection("offline")
                self._emit(ev.LoginLost(CUT_OFF[ws.close_code]))
                return
            self._ws = None
            self._fail_waiting("offline")
            self._set_connection("reconnecting")
            while not self._closing and self._ws is None:
                await asyncio.sleep(self._backoff.delay(attempt))
                attempt += 1
                assert self._credentials is not None
                try:
                    new_ws, welcome = await self._handshake(self._credentials)
                except LoginError as error:
                    if error.reason != "unreachable":
                        # The relay is back but refuses the session (expired, disabled).
                        self._set_connection("offline")
                        self._emit(ev.LoginLost(error.reason))
                        return
                    continue
                attempt = 0
                await self._start(new_ws, welcome)

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                try:
                    frame = parse_console_server_frame(raw)
                except ValidationError:
                    continue  # a newer relay's frame we do not know: ignore, as the protocol says
                if frame.type == "reconnect":
                    # The relay is restarting: say so at once, wait as asked, then reconnect.
                    self._set_connection("reconnecting")
                    await ws.close()
                    await asyncio.sleep(frame.after_ms / 1000)
                    return
                if frame.type == "ok" and frame.ref in self._waiting:
                    self._waiting.pop(frame.ref).future.set_result(frame)
                    continue
                if frame.type == "error" and frame.ref in self._waiting:
                    refusal = RequestError(frame.code, frame.detail)
                    self._waiting.pop(frame.ref).future.set_exception(refusal)
                    continue
                if frame.type == "typing" and frame.typing:
                    self._expire_typing(frame.conversation, frame.name)
                for event in apply_frame(self.state, frame):
                    if isinstance(event, ev.NeedSync):
                        await self._raw_send(
                            CSync(type="sync", conversation=event.conversation, after=event.after)
                        )
                    else:
                        self._emit(event)
                self._answer_waiters(frame)
        except (ConnectionClosed, OSError):
            pass

    async def close(self) -> None:
        """Log out and stop reconnecting."""
        self._closing = True
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(ConnectionClosed, OSError):
                await ws.send(dump(CLogout(type="logout")))
            await ws.close()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        self._fail_waiting("offline")
        self._set_connection("offline")

    async def drop_connection(self) -> None:
        """Close the socket as a network failure would (tests and the 'reconnect now' action)."""
        if self._ws is not None:
            await self._ws.close()

    # ----- helpers -----

    def _expire_typing(self, conversation_id: str, name: str) -> None:
        """Typing times out: without a word from the relay, the indicator goes after a while."""

        def expire() -> None:
            conversation = self.state.conversations.get(conversation_id)
            if conversation is not None and conversation.typing == name:
                conversation.typing = None
                self._emit(ev.ConversationChanged(conversation_id))

        previous = self._typing_timers.pop(conversation_id, None)
        if previous is not None:
            previous.cancel()
        loop = asyncio.get_running_loop()
        self._typing_timers[conversation_id] = loop.call_later(TYPING_TIMEOUT_SECONDS, expire)

    def _emit(self, event: ev.Event) -> None:
        self._listener(event)

    def _set_connection(self, state: ev.ConnectionState) -> None:
        if state != self.connection:
            self.connection = state
            self._emit(ev.Connection(state))

    def _fail_waiting(self, code: str) -> None:
        for waiter in self._waiting.values():
            if not waiter.future.done():
                waiter.future.set_exception(RequestError(code))
        self._waiting.clear()

    async def _raw_send(self, frame: CFrame) -> bool:
        ws = self._ws
        if ws is None:
            return False
        try:
            await ws.send(dump(frame))
        except (ConnectionClosed, OSError):
            return False
        return True

    async def request(self, frame: CFrame, answer: Answer | None = None) -> ConsoleServerFrame:
        """Send a command and wait for its answer: `ok`, or the first frame `answer` accepts
        (the protocol answers most commands with a state frame). Raises RequestError on
        refusal, when offline, or after the request timeout."""
        ref = frame.ref or uuid.uuid4().hex[:16]
        frame = frame.model_copy(update={"ref": ref})
        future: asyncio.Future[ConsoleServerFrame] = asyncio.get_running_loop().create_future()
        self._waiting[ref] = Waiter(future, answer)
        if not await self._raw_send(frame):
            self._waiting.pop(ref, None)
            raise RequestError("offline")
        try:
            async with asyncio.timeout(self._request_timeout):
                return await future
        except TimeoutError as error:
            raise RequestError("timeout") from error
        finally:
            self._waiting.pop(ref, None)

    def _answer_waiters(self, frame: ConsoleServerFrame) -> None:
        for ref, waiter in list(self._waiting.items()):
            if waiter.answer is not None and waiter.answer(frame) and not waiter.future.done():
                waiter.future.set_result(frame)
                self._waiting.pop(ref, None)

    # ----- commands -----

    async def _send_pending(self, conversation_id: str, pending: Pending) -> None:
        frame = CSend(
            type="send",
            conversation=conversation_id,
            client_id=pending.client_id,
            text=pending.text,
            ref=pending.client_id,
        )
        await self._raw_send(frame)

    async def send(self, conversation_id: str, text: str) -> str:
        """Queue a line; it goes out now or after the next reconnect. Returns its client id."""
        conversation = self.state.conversations[conversation_id]
        pending = Pending(uuid.uuid4().hex, text, utcnow())
        conversation.pending[pending.client_id] = pending
        await self._send_pending(conversation_id, pending)
        return pending.client_id

    async def typing(self, conversation_id: str, typing: bool) -> None:
        await self._raw_send(CTyping(type="typing", conversation=conversation_id, typing=typing))

    async def set_status(self, status: str) -> ConsoleServerFrame:
        self._wanted_status = status
        frame = CSetStatus(type="set_status", status=status)
        return await self.request(frame, lambda answer: answer.type == "status")

    async def take(self, conversation_id: str | None = None) -> ConsoleServerFrame:
        frame = CTake(type="take", conversation=conversation_id)
        return await self.request(frame, conversation_answer("take", conversation_id))

    async def handover(
        self, conversation_id: str, *, to_user: str | None = None, to_team: str | None = None
    ) -> ConsoleServerFrame:
        frame = CHandover(
            type="handover", conversation=conversation_id, to_user=to_user, to_team=to_team
        )
        return await self.request(frame, frame_about("released", conversation_id))

    async def invite(self, conversation_id: str, username: str) -> ConsoleServerFrame:
        frame = CInvite(type="invite", conversation=conversation_id, username=username)
        return await self.request(frame)

    async def leave(self, conversation_id: str) -> ConsoleServerFrame:
        frame = CLeave(type="leave", conversation=conversation_id)
        return await self.request(frame, frame_about("released", conversation_id))

    async def end(self, conversation_id: str) -> ConsoleServerFrame:
        frame = CEnd(type="end", conversation=conversation_id)
        return await self.request(frame, frame_about("ended", conversation_id))

    async def block(
        self,
        conversation_id: str,
        reason: str,
        hours: int | None,
        permanent: bool = False,
        scope: str = "session",
    ) -> ConsoleServerFrame:
        frame = CBlock(
            type="block",
            conversation=conversation_id,
            reason=reason,
            hours=hours,
            permanent=permanent,
            scope="address" if scope == "address" else "session",
        )
        return await self.request(frame, frame_about("ended", conversation_id))

    async def overview(self) -> ConsoleServerFrame:
        return await self.request(
            COverview(type="overview"), lambda answer: answer.type == "team_overview"
        )

    async def join(self, conversation_id: str) -> ConsoleServerFrame:
        frame = CJoin(type="join", conversation=conversation_id)
        return await self.request(frame, conversation_answer("join", conversation_id))

    async def take_over(self, conversation_id: str) -> ConsoleServerFrame:
        frame = CTakeOver(type="take_over", conversation=conversation_id)
        return await self.request(frame, conversation_answer("take_over", conversation_id))

    def focus(self, conversation_id: str | None) -> None:
        """The conversation now on screen: its unread count drops to zero."""
        self.state.focused = conversation_id
        conversation = self.state.conversations.get(conversation_id or "")
        if conversation is not None:
            conversation.unread = 0

    def dismiss(self, conversation_id: str) -> None:
        """Forget a closed conversation (its buffer is closed on screen)."""
        conversation = self.state.conversations.get(conversation_id)
        if conversation is not None and conversation.closed_reason:
            del self.state.conversations[conversation_id]
