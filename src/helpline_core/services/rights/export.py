"""The rights export (R1 access and copy, R2 portability): everything kept about the subject as
one JSON file (docs/rights-export.schema.json) or one self-contained, printable HTML file in
the subject's language (Jinja2 with autoescape: nothing stored is read as markup; a CSP allows
no script and no request). Written owner-only, recorded for the purge (`exports.keep_days`) and
audited with counts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlmodel import Session

from helpline_core.clock import utcnow
from helpline_core.codes import DEFAULT_CODES_FILE, load_code_list
from helpline_core.config import Settings
from helpline_core.models import RequestKind
from helpline_core.services.actors import Actor, InvalidValue
from helpline_core.services.exports import (
    ExportSummary,
    export_path,
    owner_only_file,
    record_export,
)
from helpline_core.services.rights import register
from helpline_core.services.rights.codewords import CodeWords
from helpline_core.services.rights.collect import collect
from helpline_core.services.rights.letters import LABELS, authorities
from helpline_core.services.rights.subject import scope_of
from helpline_core.terminal import control_pictures, safe_json

Format = Literal["html", "json"]


def _shown(value: object) -> object:
    """Every value the template prints: text with its control characters as visible pictures
    (ESC as "␛") and bidi controls replaced, as the console shows it: the copy holds nothing a
    terminal acts on when an admin looks at the file before sending it, nor that reorders text."""
    if isinstance(value, str) and not isinstance(value, Markup):  # Markup: the template's own
        return control_pictures(value)
    return value


_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    finalize=_shown,
)


def export(
    session: Session,
    key: bytes,
    settings: Settings,
    *,
    actor: Actor,
    request_id: int,
    fmt: Format,
    out: str,
    now: datetime | None = None,
) -> ExportSummary:
    """Write the subject's data for a verified access or portability request to `out` (relative:
    in the exports directory). InvalidValue for another kind or an unverified request;
    ExportRefused if the file exists."""
    row = register.get(session, request_id)
    if RequestKind(row.kind) not in (RequestKind.ACCESS, RequestKind.PORTABILITY):
        raise InvalidValue(f"request {request_id} is a {row.kind} request")
    register.require_open(row)
    if fmt not in ("html", "json"):
        raise InvalidValue("format: html or json")
    at = now or utcnow()
    data = collect(session, settings, scope_of(session, row), at, row.subject_email)
    summary = ExportSummary(export_path(settings, out), "rights", anonymised=False)
    summary.items = len(data["contacts"]) + len(data["case_files"]) + len(data["unread_mail"])
    with owner_only_file(summary.path) as handle:
        if fmt == "json":
            # The same data for a program; nothing a terminal acts on for an admin who looks.
            handle.write(safe_json(data, indent=2) + "\n")
        else:
            handle.write(render_html(settings, data, row.language))
        record_export(session, key, summary, actor=actor.name, now=at, request_id=request_id,
                      request=request_id, format=fmt)  # fmt: skip
    return summary


def render_html(settings: Settings, data: dict[str, Any], language: str) -> str:
    """The printable copy of `collect`'s data in `language` (nl, fr, en), registration codes in
    the words of the configured code list."""
    codes = load_code_list(settings.codes_path or DEFAULT_CODES_FILE)
    return _ENV.get_template("export.html.j2").render(
        data=data,
        language=language,
        t=LABELS[language],
        words=CodeWords(codes, language),
        authorities=authorities(settings),
    )
