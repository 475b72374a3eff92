"""Help pages without Typer's `<bool>`/`<str>` type placeholders.

Typer prints a type label after every option (`--json <bool>`, `--since <str>`), even on
`--help` itself, which reads like something to type. Here a flag shows nothing after its
name, an option with a value shows its name in capitals (`--since SINCE`), choices keep
their list, and an argument shows only its name. Applied once to the built command tree.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption


class _PlainArgument(TyperArgument):
    """An argument whose help row is its name and help text, without a type label."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def plain_placeholders(command: Any) -> None:
    """Give every option and argument under `command` (a Click command or group, as
    `typer.main.get_command` returns it) a plain placeholder, in place."""
    ctx = command.context_class(command)
    params = [*command.params, command.get_help_option(ctx)]
    for param in params:
        if isinstance(param, TyperOption) and param.metavar is None:
            if param.is_flag:
                param.metavar = ""
            elif not param.type_descriptor.is_choice:
                param.metavar = (param.name or "value").upper()
        elif isinstance(param, TyperArgument) and type(param) is TyperArgument:
            param.metavar = param.metavar or (param.name or "value").upper()
            param.__class__ = _PlainArgument  # the one thing Typer offers no setting for
    for child in getattr(command, "commands", {}).values():
        plain_placeholders(child)
