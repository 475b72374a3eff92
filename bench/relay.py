"""Chat throughput and latency through the relay (durable storage) against a bare forwarder.

Run: .venv/bin/python bench/relay.py [--quick] [--pairs N] [--seconds S] [--database URL]
         [--relays N]
The last line printed is one JSON object. Goals (issue 3, point 12): at 200 pairs at least 0.8
of the forwarder's messages per second; at one pair an added p50 latency under 1 ms; under
25 KiB of relay memory per idle visitor connection.

Three servers are measured in turn, each as its own process, with the same load generator
(this process): a bare forwarder (the baseline of the goal); an acking forwarder, which also
answers every message with an ack frame as the relay's protocol requires (two frames per
message instead of one, still no storage, no validation); and `helpline-relay`. The acking
forwarder shows how much of the gap is the protocol's own price rather than storage. Each pair is a
visitor and a counsellor connection playing ping-pong: the visitor sends a message, the
counsellor receives it and answers, the visitor receives the answer. Latency is send-to-receive
of one message; the relay commits it before it forwards it (and acks it).

With `--relays N` (issue 14; needs PostgreSQL, haproxy and redis-server) the same pairs go
through 1, 2, ... N relays behind HAProxy, against the one-relay figure of the same run, and
one pair is measured with visitor and counsellor on one relay and on two (the added latency
of the hop through Redis; goal: p50 under 2 ms added).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 1"


def dumps(frame: object) -> str:
    return json.dumps(frame, separators=(",", ":"))


TEXT = "Hallo, ik wil graag even praten over iets dat thuis gebeurt."


# ----- the baseline: a minimal forwarder without storage -----


async def serve_forwarder(acks: bool) -> None:
    """Forward each message to the pair's other side; with `acks`, also answer the sender
    with an ack frame carrying its client id and a sequence number, as the relay's protocol
    does (the relay sends two frames per message; this isolates what storage costs)."""
    peers: dict[tuple[str, str], ServerConnection] = {}
    seqs: dict[str, int] = {}

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        _, role, pair = ws.request.path.split("/")
        peers[(role, pair)] = ws
        other = ("c" if role == "v" else "v", pair)
        try:
            async for message in ws:
                if acks:
                    seqs[pair] = seq = seqs.get(pair, 0) + 1
                    client_id = json.loads(message)["client_id"]
                    await ws.send(dumps({"type": "ack", "client_id": client_id, "seq": seq}))
                target = peers.get(other)
                if target is not None:
                    await target.send(message)
        finally:
            peers.pop((role, pair), None)

    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"listening {port}", flush=True)
        await asyncio.Future()


# ----- servers as subprocesses -----


def raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def start_process(
    args: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=None if os.environ.get("BENCH_DEBUG") else subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening "):
        process.kill()
        raise SystemExit(f"server did not start: {line!r}")
    return process, int(line.split()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def prepare_relay(
    pairs: int, database: str | None, schema_name: str = "helpline_bench"
) -> tuple[Path, dict[str, str]]:
    """A data dir, a migrated database with one counsellor per pair, and a config file
    (on PostgreSQL in schema `schema_name`, made afresh)."""
    from sqlalchemy import text
    from sqlmodel import select

    from helpline_core.config import load_settings
    from helpline_core.db import make_engine, session_scope
    from helpline_core.models import Counsellor, Role, Team
    from helpline_core.services import accounts, schema
    from helpline_core.services.teams import sync_teams

    data = Path(tempfile.mkdtemp(prefix="helpline-bench-"))
    url = f"sqlite:///{data / 'helpline.sqlite3'}"
    if database:
        # A fresh schema of its own, so that the bench never touches other data.
        admin = make_engine(database)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema_name} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema_name}"))
        admin.dispose()
        separator = "&" if "?" in database else "?"
        url = f"{database}{separator}options=-csearch_path%3D{schema_name}"
    config = data / "helpline.toml"
    config.write_text(
        f'data_dir = "{data}"\n[database]\nurl = "{url}"\n[chat_hours]\nalways_open = true\n'
        "[relay]\nconnections_per_minute = 1000000\nmessages_per_minute = 1000000\n"
        "login_attempts_per_15_minutes = 100000\nmax_chats_per_counsellor = 3\n"
        # Every pair comes from 127.0.0.1: the per-address cap must not count them as one.
        "max_chats_per_address = 1000000\n"
    )
    settings = load_settings(config, environ={})
    engine = make_engine(settings.database_url)
    schema.upgrade(engine)
    hashed = accounts.hash_password(PASSWORD)  # one argon2 hash, shared: set-up speed only
    with session_scope(engine) as session:
        sync_teams(session, settings)
        team = session.exec(select(Team)).first()
        assert team is not None
        for n in range(pairs):
            session.add(
                Counsellor(
                    username=f"c{n}",
                    display_name=f"C{n}",
                    team_id=team.id,
                    role=Role.COUNSELLOR,
                    password_hash=hashed,
                )
            )
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")}
    env["HELPLINE_CONFIG"] = str(config)
    return data, env


# ----- the load generator -----


async def recv_message(ws: ClientConnection) -> str:
    """The next chat message frame (the relay also sends acks, queue updates...)."""
    while True:
        raw = await ws.recv()
        assert isinstance(raw, str)
        # The forwarder passes the counsellor's `send` frame on as it is.
        if raw.startswith(('{"type":"message"', '{"type":"send"')):
            return raw


async def relay_pair(
    port: int, n: int, console_port: int | None = None
) -> tuple[ClientConnection, ClientConnection, str]:
    """A visitor on `port` and counsellor c{n} on `console_port` (default: the same) in one
    chat. With several relays the counsellor's relay may hear of the new chat a moment after
    the visitor's says `queued`: the take is tried again then."""
    v = await connect(
        f"ws://127.0.0.1:{port}/chat",
        compression=None,
        max_size=None,
        max_queue=None,
        ping_interval=None,
    )
    c = await connect(
        f"ws://127.0.0.1:{console_port or port}/console",
        compression=None,
        max_size=None,
        max_queue=None,
        ping_interval=None,
    )
    await v.send(dumps({"type": "hello", "version": 1}))
    await c.send(dumps({"type": "login", "version": 1, "username": f"c{n}", "password": PASSWORD}))
    while '"login_ok"' not in str(await c.recv()):
        pass
    await v.send(dumps({"type": "start", "nickname": f"v{n}"}))
    while '"queued"' not in str(await v.recv()):
        pass
    for _ in range(100):
        await c.send(dumps({"type": "take", "conversation": None}))
        while True:
            raw = str(await c.recv())
            if raw.startswith('{"type":"conversation"'):
                return v, c, json.loads(raw)["conversation"]["id"]
            if raw.startswith('{"type":"error"'):
                if '"queue_empty"' not in raw:
                    raise RuntimeError(raw)
                await asyncio.sleep(0.01)
                break
    raise RuntimeError("the chat never reached the counsellor's relay")


async def forwarder_pair(port: int, n: int) -> tuple[ClientConnection, ClientConnection, str]:
    v = await connect(
        f"ws://127.0.0.1:{port}/v/{n}",
        compression=None,
        max_size=None,
        max_queue=None,
        ping_interval=None,
    )
    c = await connect(
        f"ws://127.0.0.1:{port}/c/{n}",
        compression=None,
        max_size=None,
        max_queue=None,
        ping_interval=None,
    )
    return v, c, str(n)


async def ping_pong(
    v: ClientConnection,
    c: ClientConnection,
    conversation: str,
    stop: float,
    latencies: list[float],
    phase: str,
) -> int:
    count = 0
    while time.perf_counter() < stop:
        count += 1
        client_id = f"{phase}{count}"  # unique: a repeated id would be a resend
        t0 = time.perf_counter()
        await v.send(dumps({"type": "message", "client_id": client_id, "text": TEXT}))
        await recv_message(c)
        latencies.append(time.perf_counter() - t0)
        t1 = time.perf_counter()
        await c.send(
            dumps(
                {"type": "send", "conversation": conversation, "client_id": client_id, "text": TEXT}
            )
        )
        await recv_message(v)
        latencies.append(time.perf_counter() - t1)
    return count * 2


Pair = tuple[ClientConnection, ClientConnection, str]


async def measure(kind: str, port: int, pairs: int, seconds: float, pid: int) -> dict[str, float]:
    make = relay_pair if kind == "relay" else forwarder_pair
    connections = [await make(port, n) for n in range(pairs)]
    return await measure_pairs(connections, seconds, [pid])


async def measure_pairs(
    connections: list[Pair], seconds: float, pids: list[int]
) -> dict[str, float]:
    """Ping-pong on every pair for `seconds` after a warm-up; rates, latencies, server CPU
    (summed over `pids`). Closes the connections."""
    latencies: list[float] = []
    warm = time.perf_counter() + min(1.0, seconds / 4)
    await asyncio.gather(*(ping_pong(v, c, conv, warm, [], "w") for v, c, conv in connections))
    start = time.perf_counter()
    server_cpu, own_cpu = sum(map(cpu_seconds, pids)), cpu_seconds(os.getpid())
    stop = start + seconds
    counts = await asyncio.gather(
        *(ping_pong(v, c, conv, stop, latencies, "m") for v, c, conv in connections)
    )
    elapsed = time.perf_counter() - start
    server_cpu = sum(map(cpu_seconds, pids)) - server_cpu
    own_cpu = cpu_seconds(os.getpid()) - own_cpu
    for v, c, _ in connections:
        await v.close()
        await c.close()
    latencies.sort()
    return {
        "msgs_per_s": sum(counts) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        # Share of one core each process used: shows which side limits the run.
        "server_cpu": server_cpu / elapsed,
        # Server CPU per message: moves much less than rates when others load the machine.
        "server_cpu_us_per_msg": server_cpu / max(sum(counts), 1) * 1e6,
        "generator_cpu": own_cpu / elapsed,
    }


async def idle_memory(pid: int, port: int, count: int) -> float:
    """Relay memory per idle visitor connection (handshake + hello, no chat), in KiB."""
    before = rss_kib(pid)
    sockets = []
    for _ in range(count):
        ws = await connect(f"ws://127.0.0.1:{port}/chat", compression=None)
        await ws.send('{"type":"hello","version":1}')
        await ws.recv()
        sockets.append(ws)
    await asyncio.sleep(0.5)
    after = rss_kib(pid)
    for ws in sockets:
        await ws.close()
    return (after - before) / count


async def through_relays(
    relays: int, pairs: int, seconds: float, env: dict[str, str], data: Path, database: str
) -> dict[str, dict[str, float]]:
    """`relays` relays behind HAProxy on one PostgreSQL and a private Redis (the tests'
    harness, tests/support/cluster.py). Figures for `pairs` pairs through the load balancer
    (round robin: with several relays most pairs' two sides sit on different relays), and for
    one pair with both sides on one relay and with the sides on two relays."""
    sys.path.insert(0, str(ROOT))
    from tests.support.cluster import cluster

    figures: dict[str, dict[str, float]] = {}
    extra = {"HELPLINE_CONFIG": env["HELPLINE_CONFIG"]}
    (data / f"cluster{relays}").mkdir()
    async with cluster(data / f"cluster{relays}", data, database, relays=relays, **extra) as c:
        assert c.proxy is not None
        pids = [r.process.pid for r in c.relays if r.process is not None]
        ports = [r.port for r in c.relays]
        same = [await relay_pair(ports[0], 0, ports[0])]
        figures["same"] = await measure_pairs(same, seconds / 2, pids)
        if relays > 1:
            cross = [await relay_pair(ports[0], 0, ports[1])]
            figures["cross"] = await measure_pairs(cross, seconds / 2, pids)
        balanced = [await relay_pair(c.proxy.port, n, c.proxy.port) for n in range(pairs)]
        figures["lb"] = await measure_pairs(balanced, seconds, pids)
    return figures


def main_relays(args: argparse.Namespace, seconds: float) -> None:
    """--relays N: the same pairs through 1..N relays behind HAProxy (PostgreSQL, Redis)."""
    if not args.database:
        raise SystemExit("--relays needs --database postgresql+psycopg://... (several relays)")
    results: dict[str, float | int | str] = {"pairs": args.pairs, "seconds": seconds}
    runs: dict[int, dict[str, dict[str, float]]] = {}
    for n in range(1, args.relays + 1):
        data, env = prepare_relay(args.pairs, args.database, f"helpline_bench_{n}")
        config = env["HELPLINE_CONFIG"]
        url = next(
            line.split('"')[1] for line in Path(config).read_text().splitlines()
            if line.startswith("url")
        )  # fmt: skip
        runs[n] = asyncio.run(through_relays(n, args.pairs, seconds, env, data, url))
        for label, figures in runs[n].items():
            print(
                f"{n} relay(s) {label:5} {figures['msgs_per_s']:8.0f} msg/s  "
                f"p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  "
                f"server cpu {figures['server_cpu']:.2f} ({figures['server_cpu_us_per_msg']:.0f} "
                "us/msg)",
                flush=True,
            )
            for key, value in figures.items():
                results[f"r{n}_{label}_{key}"] = round(value, 3)
    base = runs[1]["lb"]["msgs_per_s"]
    for n in range(2, args.relays + 1):
        ratio = runs[n]["lb"]["msgs_per_s"] / base
        added = runs[n]["cross"]["p50_ms"] - runs[n]["same"]["p50_ms"]
        cpu = runs[n]["lb"]["server_cpu_us_per_msg"] / runs[1]["lb"]["server_cpu_us_per_msg"]
        print(
            f"{n} relays / 1 relay: throughput {ratio:.2f}, server CPU per message {cpu:.2f}; "
            f"p50 added when visitor and counsellor sit on different relays: {added:.3f} ms "
            "(goal < 2 ms)"
        )
        results[f"r{n}_vs_r1_ratio"] = round(ratio, 3)
        results[f"r{n}_vs_r1_cpu_per_msg"] = round(cpu, 3)
        results[f"r{n}_cross_added_p50_ms"] = round(added, 3)
    results["database"] = "postgresql"
    print(json.dumps(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (about a minute)")
    parser.add_argument("--pairs", type=int, default=200, help="concurrent pairs (default 200)")
    parser.add_argument("--seconds", type=float, help="measuring time per run")
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temp dir)")
    parser.add_argument("--idle", type=int, default=500, help="idle visitors for the memory figure")
    parser.add_argument(
        "--relays", type=int, help="1..N relays behind HAProxy (needs --database PostgreSQL)"
    )
    parser.add_argument("--serve-forwarder", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--acks", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    raise_fd_limit()
    if args.serve_forwarder:
        asyncio.run(serve_forwarder(args.acks))
        return
    seconds = args.seconds or (4.0 if args.quick else 15.0)
    if args.relays:
        main_relays(args, seconds)
        return
    _data, env = prepare_relay(args.pairs, args.database)
    relay_cmd = [str(Path(sys.executable).parent / "helpline-relay"), "--port", "0"]
    forwarder_cmd = [sys.executable, __file__, "--serve-forwarder"]
    servers = {
        "forwarder": forwarder_cmd,
        "acking": [*forwarder_cmd, "--acks"],
        "relay": relay_cmd,
    }
    results: dict[str, float | int | str] = {"pairs": args.pairs, "seconds": seconds}
    one: dict[str, dict[str, float]] = {}
    many: dict[str, dict[str, float]] = {}
    for kind, cmd in servers.items():
        process, port = start_process(cmd, env)
        try:
            if kind == "relay":
                # On the fresh process, before any load has grown its heap.
                kib = asyncio.run(idle_memory(process.pid, port, args.idle))
                results["idle_visitor_kib"] = round(kib, 1)
                print(f"relay memory per idle visitor connection: {kib:.1f} KiB", flush=True)
            one[kind] = asyncio.run(measure(kind, port, 1, seconds / 2, process.pid))
            print(
                f"{kind:9} 1 pair:    {one[kind]['msgs_per_s']:8.0f} msg/s  "
                f"p50 {one[kind]['p50_ms']:.3f} ms  p99 {one[kind]['p99_ms']:.3f} ms",
                flush=True,
            )
            many[kind] = asyncio.run(measure(kind, port, args.pairs, seconds, process.pid))
            print(
                f"{kind:9} {args.pairs} pairs: {many[kind]['msgs_per_s']:8.0f} msg/s  "
                f"p50 {many[kind]['p50_ms']:.3f} ms  p99 {many[kind]['p99_ms']:.3f} ms  "
                f"cpu: server {many[kind]['server_cpu']:.2f} "
                f"({many[kind]['server_cpu_us_per_msg']:.0f} us/msg), "
                f"generator {many[kind]['generator_cpu']:.2f}",
                flush=True,
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
    ratio = many["relay"]["msgs_per_s"] / many["forwarder"]["msgs_per_s"]
    storage_ratio = many["relay"]["msgs_per_s"] / many["acking"]["msgs_per_s"]
    added = one["relay"]["p50_ms"] - one["forwarder"]["p50_ms"]
    print(f"throughput ratio at {args.pairs} pairs: {ratio:.2f} (goal >= 0.8)")
    print(f"  of which the protocol's acks (acking forwarder / forwarder): "
          f"{many['acking']['msgs_per_s'] / many['forwarder']['msgs_per_s']:.2f}; "
          f"relay / acking forwarder: {storage_ratio:.2f}")  # fmt: skip
    print(f"added p50 latency at 1 pair: {added:.3f} ms (goal < 1 ms)")
    for kind in servers:
        for label, figures in (("1", one[kind]), ("n", many[kind])):
            for key, value in figures.items():
                results[f"{kind}_{label}_{key}"] = round(value, 3)
    results["relay_vs_acking_ratio"] = round(storage_ratio, 3)
    results["ratio"] = round(ratio, 3)
    results["added_p50_ms_1_pair"] = round(added, 3)
    results["database"] = "postgresql" if args.database else "sqlite"
    print(json.dumps(results))


if __name__ == "__main__":
    main()
