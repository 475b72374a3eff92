"""Lines every screen of a case file starts with (the file, its transcripts), shared so that
neither screen imports the other. Every text from the file is shown literally."""

from __future__ import annotations

from rich.text import Text

from helpline_core import protocol as p
from helpline_tui.case_requests import form_label, label
from helpline_tui.i18n import coded, t
from helpline_tui.safe import visitor_text


def line(text: Text) -> Text:
    """`text` as a line of its own in a Group (visitor_text ends without a newline)."""
    text.end = "\n"
    return text


def header_lines(header: p.CaseHeader, codes: p.SCodes | None = None) -> list[Text]:
    """The lines every screen of a file starts with; the restriction and hold in red. With the
    code list, codes are shown by their labels."""
    d = header.details
    title = t("case.header", pseudonym="{p}", id=header.case[:8],
              status=coded("case", header.status), team=header.team or "-")  # fmt: skip
    before, _, after = title.partition("{p}")
    lines = [Text.assemble(before, visitor_text(d.pseudonym), after, style="bold")]

    def named(kind: str, code: str) -> str:
        return label(getattr(codes, kind), code) if codes else code

    themes = ", ".join(form_label(codes, x) if codes else x for x in d.themes) or "-"
    client = t("case.client", region=named("regions", d.region),
               age=d.age_group, sex=named("sexes", d.sex), role=named("roles", d.role),
               themes=themes)  # fmt: skip
    lines.append(Text(client))
    if header.restricted:
        lines.append(Text(t("case.restricted"), style="bold reverse red"))
    if header.legal_hold:
        hold = t("case.hold", reason=header.legal_hold_reason or "")
        lines.append(line(visitor_text(hold, "bold red")))
    if header.reopen_reason:
        lines.append(line(visitor_text(t("case.reopened", reason=header.reopen_reason))))
    for request in header.open_requests:
        due = request.due_at.strftime("%Y-%m-%d")
        lines.append(Text(t("case.request", kind=request.kind, due=due), style="bold yellow"))
    return lines
