"""`helpline anonymise`: anonymise text from stdin; build the anonymiser's word lists."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from helpline_cli.exitcodes import Refused
from helpline_cli.output import emit_json, say
from helpline_cli.state import CliState, state_of
from helpline_core.anonymise import Anonymiser, LexiconMissing, Pseudonyms, Result
from helpline_core.anonymise.lexicon import WORD_LISTS
from helpline_core.anonymise.service import build_lexicon, load_anonymiser
from helpline_core.config import ConfigError
from helpline_core.terminal import neutralise, safe_json

app = typer.Typer(
    help="Anonymise text (names, addresses, numbers, handles...) for training and inspection.",
    no_args_is_help=True,
)


class Lang(StrEnum):
    NL = "nl"
    FR = "fr"
    EN = "en"
    AUTO = "auto"


def anonymiser_for(state: CliState) -> Anonymiser:
    """The anonymiser on the installation's compiled lists; a clear error if never built."""
    try:
        return load_anonymiser(state.settings)
    except LexiconMissing as error:
        raise ConfigError(str(error)) from None


def _spans(result: Result) -> list[dict[str, Any]]:
    return [
        {"start": s.start, "end": s.end, "label": s.label.value, "replacement": s.replacement}
        for s in result.spans
    ]


@app.command()
def text(
    ctx: typer.Context,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Language of the placeholders; auto: guessed per text.")
    ] = Lang.AUTO,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the text and the spans found as JSON.")
    ] = False,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help='One JSON object a line in ({"id", "text"}, optional "conversation" to share '
            'placeholders) and out ({"id", "text", "spans"}).',
        ),
    ] = False,
) -> None:
    """Read text on stdin, write it anonymised on stdout (offsets count characters of the input)."""
    anonymiser = anonymiser_for(state_of(ctx))
    language = None if lang is Lang.AUTO else lang.value
    if jsonl:
        bad = _jsonl(anonymiser, language)
        if bad:
            raise Refused(f"{bad} input line(s) were not a JSON object with a text; see stdout")
        return
    result = anonymiser.anonymise(sys.stdin.read(), Pseudonyms(), language)
    if as_json:
        emit_json({"text": result.text, "language": result.language, "spans": _spans(result)})
    elif sys.stdout.isatty():
        # On a terminal, nothing in the text may act on it; into a pipe or file, as it is.
        sys.stdout.write(neutralise(result.text))
    else:
        sys.stdout.write(result.text)


def _jsonl(anonymiser: Anonymiser, language: str | None) -> int:
    """Anonymise line by line; a bad line gets an error object in its place (nothing is lost
    or shifted) and is counted."""
    conversations: dict[str, Pseudonyms] = {}
    bad = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError("not an object with a text")
        except ValueError as error:
            bad += 1
            out: dict[str, Any] = {"line": number, "error": str(error).splitlines()[0]}
            sys.stdout.write(safe_json(out) + "\n")
            continue
        key = item.get("conversation")
        names = conversations.setdefault(str(key), Pseudonyms()) if key is not None else None
        result = anonymiser.anonymise(item["text"], names, language)
        out = {"id": item.get("id"), "text": result.text, "spans": _spans(result)}
        sys.stdout.write(safe_json(out) + "\n")
    return bad


@app.command()
def build(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Compile the word lists into the data directory (at install time; `init` does it too)."""
    try:
        path, counts = build_lexicon(state_of(ctx).settings)
    except LexiconMissing as error:
        raise ConfigError(str(error)) from None
    say(f"anonymiser lists built at {path}")
    for word_list in WORD_LISTS:
        if not word_list.exists():
            # Without the ordinary words, many words would be taken for names: say so loudly.
            say(f"warning: {word_list} is missing (Debian wdutch, wfrench, wamerican): build again")
    if as_json:
        emit_json({"path": str(path), "counts": counts})
