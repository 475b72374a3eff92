"""Reading a password without putting it on the command line or in shell history."""

from __future__ import annotations

import sys

import typer


def read_password(from_stdin: bool, *, prompt: str = "Password") -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise typer.BadParameter("no password on standard input", param_hint="--password-stdin")
        return password
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True))
