"""What every command needs, loaded lazily from the global --config option."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpline_cli.output import say
from helpline_core.config import Settings, load_settings
from helpline_core.db import DatabaseUnavailable, check_database, make_engine, session_scope
from helpline_core.permissions import private_paths, wider_than_private
from helpline_core.secrets import load_key
from helpline_core.services import schema


@dataclass
class CliState:
    config_path: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.config_path)

    @cached_property
    def key(self) -> bytes:
        return load_key(self.settings)

    @property
    def actor(self) -> str:
        """Who the audit log names: the operating-system user behind the admin command."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return f"cli:{user}"

    def engine(self, *, require_schema: bool = True) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url, echo=self.settings.database.echo)
            for problem in wider_than_private(private_paths(self.settings)):
                say(f"warning: {problem}")
            check_database(self._engine)
            if require_schema and not schema.is_up_to_date(self._engine):
                raise DatabaseUnavailable(
                    "the database schema is missing or old: run `helpline init` or "
                    "`helpline db upgrade`"
                )
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine()) as session:
            yield session


def state_of(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj
