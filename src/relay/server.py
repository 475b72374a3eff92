"""`helpline-relay`: the websocket server. Routes /chat, /console, /healthz and the page's files.

Start-up: database check, teams, restore open chats. Shutdown (SIGTERM/SIGINT): stop accepting,
send `reconnect` to every client, close connections once in-flight frames are handled, commit
pending writes, stop. Acknowledged messages are committed before their ack, so none is lost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import ssl
import sys
import time
import traceback
import weakref
from collections.abc import Coroutine
from http import HTTPStatus
from importlib import import_module
from typing import Any

from sqlalchemy.engine import Engine
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.codes import CodeListError
from helpline_core.config import ConfigError, Settings, load_settings
from helpline_core.db import DatabaseUnavailable, check_database, make_engine, session_scope
from helpline_core.library_logs import cap_library_logs
from helpline_core.mail.status import health_text
from helpline_core.permissions import private_paths, wider_than_private
from helpline_core.secrets import load_key
from helpline_core.services.hours import chat_hours
from relay import accounts_watch, actions, headers, health, static
from relay.console import ConsoleSession
from relay.console_cases import code_list
from relay.context import Relay
from relay.cookies import set_cookie_value
from relay.hub import is_local
from relay.visitor import VisitorHandshake, VisitorSession, prepare

log = logging.getLogger("relay")
TICK_SECONDS = 1.0
HSTS = "max-age=31536000"  # one year; no includeSubDomains: the relay cannot speak for those
SWITCH_INTERVAL = 0.0002
DATABASE_CHECK_SECONDS = 5.0
# At shutdown, how long the relay's own tasks (ticker, mail worker) may take to end before they
# are cancelled: operations.md promises a short stop, and systemd kills at TimeoutStopSec.
TASKS_GRACE_SECONDS = 5.0
RECONNECT_SEND_SECONDS = 1.0  # telling one client to reconnect, at most, at a stop
CLOSE_SECONDS = 5.0  # for every connection to close at a stop, before the rest are cut off


class RelayServer:
    """One relay: build with settings, `await start()`, then `await stop()`."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url, echo=settings.database.echo)
        self.relay = Relay.build(settings, load_key(settings), self.engine)
        code_list(self.relay)  # a broken registration code list stops the start, not a request
        self.server: Server | None = None
        self.handshakes: weakref.WeakKeyDictionary[ServerConnection, VisitorHandshake] = (
            weakref.WeakKeyDictionary()
        )
        self.stop_event = asyncio.Event()
        self.tasks: list[asyncio.Task[Any]] = []
        self.secure = bool(settings.relay.tls_cert and settings.relay.tls_key)
        self.origins: set[str] = set()
        self.db_checked = 0.0
        self.fanout_was_down = False  # Redis was lost since start: catch up once it is back
        # At DEBUG the websockets library logs frame payloads (visitor text): never below WARNING.
        logging.getLogger("relay.websockets").setLevel(logging.WARNING)
        cap_library_logs()  # likewise the mail worker's IMAP library (helpline_core.library_logs)

    # ----- life cycle -----

    async def start(self, host: str | None = None, port: int | None = None) -> None:
        # The writer thread gives up the GIL at every database call and must get it back from
        # the busy event loop; with the default 5 ms switch interval a batch of a handful of
        # statements waits tens of milliseconds (a GIL convoy). Switch more often.
        sys.setswitchinterval(SWITCH_INTERVAL)
        for problem in wider_than_private(private_paths(self.settings)):
            log.warning("%s", problem)
        if self.relay.fanout.shared and self.engine.dialect.name == "sqlite":
            log.warning("relay.redis_url is set on SQLite: several relays need PostgreSQL")
        await asyncio.to_thread(check_database, self.engine)
        await asyncio.to_thread(self._sync_teams)
        self.relay.store.start()
        mirror = self.relay.mirror
        if mirror is not None:
            # Before restoring: what other relays change meanwhile is not missed.
            await self.relay.fanout.start(mirror.apply, self._fanout_health)
        restored = await actions.restore(self.relay)
        limits = self.settings.relay
        self.server = await serve(
            self.handler,
            host if host is not None else limits.host,
            port if port is not None else limits.port,
            process_request=self.process_request,
            process_response=self.process_response,
            max_size=limits.max_frame_bytes,
            # Short chat frames gain little from compression and it costs ~35 KiB per idle
            # connection; off.
            compression=None,
            ssl=self._ssl_context(),
            logger=logging.getLogger("relay.websockets"),
            server_header=None,
            # A client that does not answer the closing handshake holds up a shutdown this long.
            close_timeout=3,
        )
        self.origins = self._origins(host if host is not None else limits.host)
        self.tasks.append(asyncio.create_task(self._ticker(), name="relay-ticker"))
        self._start_mail_worker()
        log.info("relay listening on port %d; %d open chats restored", self.port, restored)

    def _origins(self, host: str) -> set[str]:
        """Origins a browser may open /chat and /console from (S2): allowed_origins and
        public_url; with neither, the relay's own listening address."""
        limits = self.settings.relay
        origins = {headers.origin_of(url).lower() for url in limits.allowed_origins}
        if limits.public_url:
            origins.add(headers.origin_of(limits.public_url).lower())
        if not origins:
            origins = headers.default_origins(host, self.port, self.secure)
        if not origins:
            log.warning("relay.public_url is not set: browsers cannot open /chat")
        return origins

    def _sync_teams(self) -> None:
        from helpline_core.services.teams import sync_teams

        with session_scope(self.engine) as session:
            sync_teams(session, self.settings)

    def _ssl_context(self) -> ssl.SSLContext | None:
        if not self.secure:
            return None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.settings.relay.tls_cert, self.settings.relay.tls_key)
        return context

    def _start_mail_worker(self) -> None:
        if not any(team.mail.imap_host for team in self.settings.teams):
            return
        try:
            module = import_module("relay.mail_worker")
        except ImportError:
            log.warning("mail is configured but relay.mail_worker is not installed; no email")
            return
        from relay import console_email  # the console's "new mail" pushes and reply wake-up

        worker = module.run_mail_worker(
            self.settings,
            self.engine,
            self.stop_event,
            on_result=console_email.new_mail_notifier(self.relay),
            wake=console_email.wake_event(self.relay),
        )
        self.tasks.append(asyncio.create_task(worker, name="mail-worker"))

    @property
    def port(self) -> int:
        assert self.server is not None
        port: int = next(iter(self.server.sockets)).getsockname()[1]
        return port

    async def stop(self, grace: float = 0.2) -> None:
        """Stop accepting, tell clients to reconnect, finish in-flight work, commit, close."""
        if self.server is None or self.relay.stopping:
            return
        self.relay.stopping = True
        log.info("relay stopping")
        self.stop_event.set()
        # Stop listening, but keep open connections until they were told to reconnect.
        # (Server.close() may only be called once, so the asyncio server directly.)
        self.server.server.close()
        reconnect = p.dump(p.SReconnect(after_ms=1000))

        async def tell(connection: ServerConnection) -> None:
            # At once to all, each bounded: a client that never reads has a full send buffer,
            # and awaiting them one by one held a stop for minutes with the port already shut.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.send(reconnect), RECONNECT_SEND_SECONDS)

        await asyncio.gather(*(tell(c) for c in list(self.server.connections)))
        await asyncio.sleep(grace)  # lets clients read `reconnect` before the close frame
        self.server.close(close_connections=True, code=1012, reason="restarting")
        try:
            await asyncio.wait_for(asyncio.shield(self.server.wait_closed()), CLOSE_SECONDS)
        except TimeoutError:
            # A client that never reads keeps a send pending, and its close waits behind it:
            # the rest are cut off, so that a stop never outlasts systemd's (30 s).
            stuck = list(self.server.connections)
            log.warning("%d connection(s) did not close in time; cut off", len(stuck))
            for connection in stuck:
                connection.transport.abort()
            await self.server.wait_closed()
        for task in self.tasks:
            if task.get_name() == "relay-ticker":
                task.cancel()
        # The mail worker ends its loops within its own grace; bounded here too, so that no
        # await on a dead mail server (IMAP/SMTP) can hold the shutdown up.
        pending: set[asyncio.Task[Any]] = set()
        if self.tasks:
            _, pending = await asyncio.wait(self.tasks, timeout=TASKS_GRACE_SECONDS)
        for task in pending:
            log.warning("%s did not stop in time; cancelled", task.get_name())
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        store = self.relay.store
        await store.stop()
        await self.relay.fanout.stop()
        self.engine.dispose()
        log.info(
            "relay stopped; writer: %d operations in %d transactions, %.1f s busy, "
            "%d handed to a thread",
            store.ops,
            store.batches,
            store.busy,
            store.handed_off,
        )

    async def _ticker(self) -> None:
        """End chats whose visitor did not come back, requeue those whose counsellor did not,
        re-offer chats that waited long to every team, and make console sessions follow their
        accounts (relay/accounts_watch.py)."""
        offered: set[str] = set()
        was_open = True
        accounts_checked = 0.0
        while True:
            await asyncio.sleep(TICK_SECONDS)
            hub = self.relay.hub
            now = time.monotonic()
            if now - accounts_checked >= accounts_watch.CHECK_SECONDS:
                accounts_checked = now
                try:
                    await accounts_watch.enforce(self.relay)
                except Exception as error:  # a database hiccup must not stop the ticker
                    log.warning("account check failed: %s", type(error).__name__)
            await self._services(now)
            for chat in hub.expired(now):
                await actions.finish(self.relay, chat, "expired", "system")
            for chat in hub.orphaned(now, self.relay.started, self.relay.resume_seconds):
                await actions.return_to_queue(self.relay, chat)
            now_any = {c.public_id for c in hub.queue() if hub.any_team(c)}
            is_open = chat_hours(hub.settings, utcnow()).open
            if now_any - offered or is_open != was_open:
                hub.queue_changed()  # also tells waiting visitors that opening hours ended
            offered, was_open = now_any, is_open

    async def _services(self, now: float) -> None:
        """Several relays: the heartbeat, other relays' silence; and for every relay, whether
        the database answers (counsellors see it while it does not)."""
        mirror = self.relay.mirror
        if mirror is not None:
            mirror.beat()
            mirror.check_dead(now)
        if now - self.db_checked >= DATABASE_CHECK_SECONDS or self.relay.db_down:
            self.db_checked = now
            try:
                await asyncio.to_thread(check_database, self.engine)
                down = False
            except DatabaseUnavailable:
                down = True
            if down != self.relay.db_down:
                self.relay.db_down = down
                log.warning("database %s", "unreachable" if down else "reachable again")
                self._tell_service()

    def _fanout_health(self, ok: bool) -> None:
        """Redis went away or came back. Back: catch up with what was missed (the database
        says who owns what; the next heartbeats say who is where)."""
        self._tell_service()
        if not ok:
            self.fanout_was_down = True
        elif self.fanout_was_down and self.relay.mirror is not None and not self.relay.stopping:
            self.fanout_was_down = False
            task = asyncio.get_running_loop().create_task(self._resync(), name="relay-resync")
            self.tasks.append(task)
            task.add_done_callback(self.tasks.remove)

    async def _resync(self) -> None:
        try:
            await actions.refresh(self.relay)
        except Exception as error:  # the database may be out too: the next return retries
            log.warning("resync failed: %s", type(error).__name__)
        if self.relay.mirror is None:
            return
        hub = self.relay.hub
        self.relay.mirror.beat()
        for chat in list(hub.chats.values()):
            if not is_local(chat.visitor):
                continue
            hub.changed(chat)
            if any(not is_local(x.peer) for x in hub.participants(chat)):
                # Frames from a colleague on another relay were lost meanwhile: the page
                # reconnects and syncs (what a restart asks of it too).
                hub.to_visitor(chat, p.SReconnect(after_ms=0))
        for presence in hub.local():
            for chat in list(hub.chats.values()):
                participation = hub.participation(presence, chat)
                if participation is None or presence.peer is None:
                    continue
                messages = await actions.transcript(self.relay, chat, 0, console=True)
                presence.peer.send(
                    p.SConversation(
                        conversation=hub.info(chat, presence),
                        messages=messages,
                        complete=len(messages) < 1000,
                        why="sync",
                    )
                )

    def _tell_service(self) -> None:
        frame = self.relay.service_frame()
        for presence in self.relay.hub.local():
            if presence.peer is not None:
                presence.peer.send(frame)

    # ----- HTTP side -----

    def client_address(self, connection: ServerConnection, request: Request) -> str:
        if self.settings.relay.behind_proxy:
            forwarded = headers.forwarded_for(request.headers)
            if forwarded:
                return forwarded
        remote = connection.remote_address
        return str(remote[0]) if remote else "unknown"

    def is_secure(self, request: Request) -> bool:
        if self.secure:
            return True
        return self.settings.relay.behind_proxy and headers.forwarded_https(request.headers)

    def origin_allowed(self, request: Request) -> bool:
        """A browser's Origin must be the configured public address (or allowed_origins); the
        Host header is never trusted for this, since the client chooses it."""
        origin = headers.single(request.headers, "Origin")
        if origin is None:
            # Browsers always send Origin on websockets; other clients (the console) don't.
            return True
        return origin.lower() in self.origins

    async def process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        try:
            headers.check_single(request.headers)
        except headers.AmbiguousHeader as error:
            # Counted like any handshake: a flood of malformed requests meets the same limit.
            self.relay.connections.allow(self.client_address(connection, request))
            message = f"{error.name} sent more than once\n".encode()
            return static.response(HTTPStatus.BAD_REQUEST, message, "text/plain")
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            return await self._health(self._health_details_allowed(connection, request))
        if path not in ("/chat", "/console"):
            return static.serve_file(path, facts=static.page_facts(self.settings.helpline))
        if not self.origin_allowed(request):
            return static.response(HTTPStatus.FORBIDDEN, b"origin not allowed\n", "text/plain")
        address = self.client_address(connection, request)
        if not self.relay.connections.allow(address):
            return static.response(HTTPStatus.TOO_MANY_REQUESTS, b"slow down\n", "text/plain")
        if path == "/chat":
            secure = self.is_secure(request)
            cookie = headers.single(request.headers, "Cookie")
            self.handshakes[connection] = await prepare(self.relay, cookie, address, secure)
        return None

    def process_response(
        self, connection: ServerConnection, request: Request, response: Response
    ) -> Response | None:
        if self.secure:
            # Served over TLS by the relay itself: browsers keep to https from now on (RFC 6797).
            response.headers["Strict-Transport-Security"] = HSTS
        handshake = self.handshakes.get(connection)
        if handshake is not None and response.status_code == HTTPStatus.SWITCHING_PROTOCOLS:
            response.headers["Set-Cookie"] = set_cookie_value(handshake.token, handshake.secure)
            response.headers["Cache-Control"] = "no-store"
        return None

    def _health_details_allowed(self, connection: ServerConnection, request: Request) -> bool:
        remote = connection.remote_address
        token_env = self.settings.relay.health_token_env
        sent = request.headers.get_all("Authorization")  # twice is as good as none
        return health.details_allowed(
            str(remote[0]) if remote else None,
            behind_proxy=self.settings.relay.behind_proxy,
            authorization=sent[0] if len(sent) == 1 else None,
            token=os.environ.get(token_env, "") if token_env else "",
        )

    async def _health(self, details: bool) -> Response:
        # 200 while the database answers (chat works); a failing mailbox makes it "degraded".
        # Redis out keeps 200: every relay loses it at once, and each goes on serving its own
        # connections; taking them all out of the load balancer would stop the helpline.
        fanout = self.relay.fanout
        try:
            body = await asyncio.to_thread(health_text, self.engine, self.settings)
        except DatabaseUnavailable:
            return static.response(HTTPStatus.SERVICE_UNAVAILABLE, b"database down\n", "text/plain")
        if fanout.shared:
            reachable = await fanout.ping()
            first, _, rest = body.partition("\n")
            first = first if reachable else "degraded"
            body = f"{first}\ndatabase: ok\nredis: {'ok' if reachable else 'unreachable'}\n{rest}"
            body += f"relay: {fanout.relay_id}\n"
        if not details:
            body = body.partition("\n")[0] + "\n"  # ok or degraded; the rest names teams
        return static.response(HTTPStatus.OK, body.encode(), "text/plain")

    # ----- websocket side -----

    async def handler(self, connection: ServerConnection) -> None:
        request = connection.request
        assert request is not None
        path = request.path.split("?", 1)[0]
        try:
            if path == "/chat":
                handshake = self.handshakes.pop(connection)
                await VisitorSession(self.relay, connection, handshake).run()
            elif path == "/console":
                address = self.client_address(connection, request)
                await ConsoleSession(self.relay, connection, address).run()
        except ConnectionClosed:
            pass  # the client went away; the sessions' cleanup already ran
        except Exception as error:  # one client's trouble never stops the relay
            # The traceback's places, not the exception's message: that could hold client text.
            where = "".join(traceback.format_tb(error.__traceback__)[-3:])
            log.error("handler failed: %s\n%s", type(error).__name__, where)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="helpline-relay",
        description="Serve the visitor chat (/chat, the page at /) and the counsellor console "
        "(/console) on one port.",
    )
    parser.add_argument("--config", help="configuration file (TOML); default $HELPLINE_CONFIG")
    parser.add_argument("--host", help="address to listen on (default: relay.host)")
    parser.add_argument("--port", type=int, help="port to listen on (default: relay.port)")
    return parser


async def serve_until_signal(settings: Settings, host: str | None, port: int | None) -> None:
    server = RelayServer(settings)
    await server.start(host, port)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # The chosen port on stdout, so that scripts and tests can start on port 0.
    print(f"listening {server.port}", flush=True)  # noqa: T201
    await stop.wait()
    await server.stop()


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """uvloop where it is installed: its sockets and callbacks cost the relay less CPU per
    message than the standard loop's (bench/relay.py); the standard loop otherwise."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def run(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = load_settings(args.config)
        run_loop(serve_until_signal(settings, args.host, args.port))
    except (ConfigError, CodeListError) as error:
        print(f"helpline-relay: {error}", file=sys.stderr)  # noqa: T201
        sys.exit(2)
    except DatabaseUnavailable as error:
        print(f"helpline-relay: {error}", file=sys.stderr)  # noqa: T201
        sys.exit(3)
    except OSError as error:
        print(f"helpline-relay: cannot listen: {error.strerror}", file=sys.stderr)  # noqa: T201
        sys.exit(3)


if __name__ == "__main__":
    run()
