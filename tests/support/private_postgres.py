"""A private PostgreSQL server (initdb in a temporary directory, a random port) that a test may
stop and start: the machine's shared PostgreSQL is never restarted.

    with private_postgres() as pg:
        pg.url      # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
        pg.stop(); pg.start()

Run as root, the server runs as the `postgres` account (PostgreSQL refuses root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.cluster import free_port


def pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin holding pg_ctl, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


@dataclass
class PrivatePostgres:
    bin: Path
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.directory / "data"), "-U", "postgres",
                  "-A", "trust", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-o", options,
                  "-l", str(self.directory / "log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Yield a running private server; stopped and removed after."""
    binaries = pg_bin()
    if binaries is None:
        raise FileNotFoundError("no /usr/lib/postgresql/*/bin/pg_ctl")
    # Not under pytest's tmp_path: the postgres account cannot enter root's 0700 folders.
    directory = Path(tempfile.mkdtemp(prefix="helpline-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    server = PrivatePostgres(binaries, directory, free_port())
    server.init()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()  # unless the test left it stopped
        shutil.rmtree(directory, ignore_errors=True)
