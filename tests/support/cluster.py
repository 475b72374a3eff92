"""Several real relays behind a real HAProxy, on PostgreSQL and a private Redis, for tests and
the bench.

    async with cluster(tmp_path, database_url, relays=3) as c:
        c.relays[0].ws_url      # one relay directly
        c.ws_url                # through HAProxy
        c.relays[0].kill()      # kill -9
        await c.redis.restart()

Every process is our own child, on random ports, stopped by its PID at the end. Nothing shared
(the machine's Redis on 6379, its PostgreSQL) is started, stopped or flushed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
STARTUP_SECONDS = 90.0  # a loaded CI machine starts Python processes slowly

HEALTH_TOKEN = "cluster-health-token"  # a test secret: the relays run behind HAProxy


def missing_tools() -> str | None:
    """Why a cluster cannot run here (None: it can)."""
    if not Path(HAPROXY).exists():
        return "haproxy is not installed (scripts/setup.sh --system installs it)"
    if not Path(REDIS).exists():
        return "redis-server is not installed (scripts/setup.sh --system installs it)"
    if not os.environ.get("HELPLINE_TEST_DATABASE_URL"):
        return "HELPLINE_TEST_DATABASE_URL is not set (several relays need PostgreSQL)"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _until(
    check: Callable[[], bool], what: str, process: subprocess.Popen[bytes] | None
) -> None:
    """Poll a cheap readiness probe (a port) of a process we started."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while not check():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not come up")
        await asyncio.sleep(0.05)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class RedisServer:
    """A private redis-server (no persistence) on a random port."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        await _until(lambda: _port_open(self.port), "redis-server", self.process)

    def stop(self) -> None:
        _stop(self.process)

    async def restart(self) -> None:
        self.stop()
        await self.start()


@dataclass
class RelayProcess:
    """`helpline-relay` in a child process; its port is read from its first line."""

    env: dict[str, str]
    log: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        relay = Path(sys.executable).with_name("helpline-relay")
        self.process = subprocess.Popen(
            [str(relay), "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=self.log.open("ab"),
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(
            asyncio.to_thread(self.process.stdout.readline), STARTUP_SECONDS
        )
        if not line.startswith(b"listening "):
            raise RuntimeError(f"relay did not start; see {self.log}")
        self.port = int(line.split()[1])

    def kill(self) -> None:
        """kill -9: no goodbye to anyone, nothing flushed."""
        _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.process)

    def health(self) -> str:
        """/healthz with its details (mailboxes, Redis, relay id), as an operator reads it."""
        request = urllib.request.Request(
            f"{self.http_url}/healthz", headers={"Authorization": f"Bearer {HEALTH_TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return str(response.read().decode())


@dataclass
class HAProxy:
    """A foreground HAProxy with a private config (config/haproxy.cfg's settings)."""

    directory: Path
    backends: list[int]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def config(self) -> str:
        servers = "\n".join(
            f"    server relay{i} 127.0.0.1:{port} check inter 300ms fall 2 rise 1"
            for i, port in enumerate(self.backends)
        )
        return f"""global
    maxconn 9000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    option forwardfor
frontend helpline
    bind 127.0.0.1:{self.port}
    default_backend relays
backend relays
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
{servers}
"""

    async def start(self) -> None:
        path = self.directory / "haproxy.cfg"
        path.write_text(self.config())
        self.process = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "haproxy.log").open("ab"),
        )
        await _until(lambda: _port_open(self.port), "haproxy", self.process)

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class Cluster:
    relays: list[RelayProcess]
    redis: RedisServer
    proxy: HAProxy | None

    @property
    def ws_url(self) -> str:
        assert self.proxy is not None
        return f"ws://127.0.0.1:{self.proxy.port}"


def relay_env(data_dir: Path, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of one relay of the cluster (they all share data dir, key and database)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HELPLINE_") or key == "HELPLINE_TEST_DATABASE_URL"
    }
    env.update(
        {
            "HELPLINE_DATA_DIR": str(data_dir),
            "HELPLINE_DATABASE__URL": database_url,
            "HELPLINE_CHAT_HOURS__ALWAYS_OPEN": "true",
            "HELPLINE_RELAY__REDIS_URL": redis_url,
            "HELPLINE_RELAY__BEHIND_PROXY": "true",
            # Behind a proxy only a bearer of this token reads /healthz's details (relay/health).
            "HELPLINE_RELAY__HEALTH_TOKEN_ENV": "HELPLINE_TEST_HEALTH_TOKEN",
            "HELPLINE_TEST_HEALTH_TOKEN": HEALTH_TOKEN,
            **extra,
        }
    )
    return env


@asynccontextmanager
async def cluster(
    directory: Path,
    data_dir: Path,
    database_url: str,
    *,
    relays: int = 3,
    proxy: bool = True,
    redis_url: str | None = None,
    **extra: str,
) -> AsyncIterator[Cluster]:
    """`relays` relay processes on one database and a private Redis, behind HAProxy."""
    redis = RedisServer(directory)
    processes: list[RelayProcess] = []
    balancer: HAProxy | None = None
    try:
        if redis_url is None:
            await redis.start()
        env = relay_env(data_dir, database_url, redis_url or redis.url, **extra)
        processes = [RelayProcess(env, directory / f"relay{i}.log") for i in range(relays)]
        await asyncio.gather(*(relay.start() for relay in processes))
        if proxy:
            balancer = HAProxy(directory, [relay.port for relay in processes])
            await balancer.start()
        yield Cluster(processes, redis, balancer)
    finally:
        with contextlib.suppress(Exception):
            if balancer is not None:
                balancer.stop()
        # SIGTERM to all first, then wait: the relays' graceful stops overlap.
        for relay in processes:
            if relay.process is not None and relay.process.poll() is None:
                relay.process.terminate()
        for relay in processes:
            relay.stop()
        redis.stop()


def relay_ids(relays: list[RelayProcess]) -> Iterator[str]:
    """Each relay's id as /healthz says it."""
    for relay in relays:
        for line in relay.health().splitlines():
            if line.startswith("relay: "):
                yield line.removeprefix("relay: ")
