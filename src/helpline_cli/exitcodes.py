"""Exit codes are a contract with cron and scripts; docs/cli.md lists them."""

from __future__ import annotations

from enum import IntEnum

import typer
from sqlalchemy.exc import OperationalError

from helpline_core.config import ConfigError
from helpline_core.db import DatabaseUnavailable


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1  # a rule refused the request (unknown account, legal hold, chain broken...)
    USAGE = 2  # wrong arguments or configuration
    UNREACHABLE = 3  # the database or a mail server cannot be reached


class Refused(Exception):
    """A rule refused the request; the message says which and why."""


class Unreachable(Exception):
    """A server the command needs cannot be reached."""


def exit_code_for(error: BaseException) -> ExitCode:
    if isinstance(error, (ConfigError, typer.TyperException)):
        return ExitCode.USAGE
    if isinstance(error, (DatabaseUnavailable, OperationalError, Unreachable, ConnectionError)):
        return ExitCode.UNREACHABLE
    return ExitCode.REFUSED
