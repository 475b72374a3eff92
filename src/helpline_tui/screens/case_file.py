"""One case file (F1-F3): its header (a restricted file and a legal hold say so on every
screen), the timeline of contacts, notes, assessments with the client's statements beside them,
referrals, consents and disclosures, and every action on the file.

Every text in a file is shown literally (`safe.visitor_text`): nothing typed is markup.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from helpline_core import protocol as p
from helpline_tui.case_requests import attempt, call, channel_label, codes
from helpline_tui.case_text import header_lines, line
from helpline_tui.client_types import RequestError
from helpline_tui.i18n import refusal, t
from helpline_tui.safe import visitor_text
from helpline_tui.screens.case_dialogs import Field, FieldsDialog
from helpline_tui.screens.help import show_help
from helpline_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from helpline_tui.client import ConsoleClient


def file_bindings() -> list[BindingType]:
    return [
        Binding("f2", "note", t("key.case_note"), priority=True),
        Binding("f3", "assessment", t("key.case_assessment"), priority=True),
        Binding("f4", "statement", t("key.case_statement"), priority=True),
        Binding("f5", "referral", t("key.case_referral"), priority=True),
        Binding("f6", "consent", t("key.case_consent"), priority=True),
        Binding("shift+f6", "withdraw", t("key.case_withdraw"), priority=True),
        Binding("f7", "disclose", t("key.case_disclose"), priority=True),
        Binding("shift+f7", "emergency", t("key.case_emergency"), priority=True),
        Binding("f8", "link", t("key.case_link"), priority=True),
        Binding("f9", "transcript", t("key.case_transcript"), priority=True),
        Binding("ctrl+x", "close_reopen", t("key.case_close"), priority=True),
        Binding("ctrl+l", "hold", t("key.case_hold"), priority=True),
        Binding("ctrl+g", "share", t("key.case_share"), priority=True),
        Binding("escape", "back", t("key.back"), priority=True),
        Binding("f1", "help", t("key.help"), priority=True),
    ]


def _stamp(at: datetime, timezone: tzinfo, author: str | None) -> str:
    when = at.astimezone(timezone).strftime("%Y-%m-%d %H:%M")
    return f"{when} {author}" if author else when


def _body(text: str, indent: str = "  ") -> Text:
    shown = visitor_text(text, multiline=True)
    shown.pad_left(len(indent))
    return line(shown)


def timeline(frame: p.SCaseFile, timezone: tzinfo) -> list[tuple[datetime, list[Text]]]:
    """The file's entries in time order, each as its lines; statements stay with their
    assessment (F2), never in a place of their own."""
    out: list[tuple[datetime, list[Text]]] = []
    for c in frame.contacts:
        minutes = f" ({c.duration_seconds // 60} min)" if c.duration_seconds is not None else ""
        line = t("case.contact", channel=channel_label(c.channel), duration=minutes)
        if c.contact and not c.retained:
            line += t("case.not_retained")
        ref = f" [{(c.contact or c.registration or '')[:8]}]"
        out.append((c.at, [Text(f"{_stamp(c.at, timezone, None)}  {line}{ref}", style="cyan")]))
    for n in frame.notes:
        out.append((n.at, [Text(f"{_stamp(n.at, timezone, n.author)}  {t('case.note')}",
                                style="bold"), _body(n.body)]))  # fmt: skip
    for a in frame.assessments:
        lines = [Text(f"{_stamp(a.at, timezone, a.author)}  {t('case.assessment', id=a.id)}",
                      style="bold"), _body(a.body)]  # fmt: skip
        for s in a.statements:
            lines.append(Text(f"{t('case.statement')} ({_stamp(s.at, timezone, None)})",
                              style="bold magenta"))  # fmt: skip
            lines.append(_body(s.body, "    "))
        out.append((a.at, lines))
    for r in frame.referrals:
        head = Text(f"{_stamp(r.at, timezone, r.author)}  ", style="bold")
        head.append_text(visitor_text(t("case.referral", service=r.service)))
        out.append((r.at, [head] + ([_body(r.reason)] if r.reason else [])))
    for k in frame.consents:
        head = Text(f"{_stamp(k.at, timezone, k.author)}  ", style="bold")
        head.append_text(visitor_text(t("case.consent", id=k.id, party=k.third_party)))
        if k.withdrawn_at is not None:
            head.append(t("case.withdrawn"), style="red")
        out.append((k.at, [head, _body(k.scope)]))
    for d in frame.disclosures:
        emergency = d.basis == "emergency"
        text = (
            t("case.emergency", party=d.recipient)
            if emergency
            else t("case.disclosure", party=d.recipient, consent=d.consent)
        )
        head = Text(f"{_stamp(d.at, timezone, d.author)}  ", style="bold")
        head.append_text(visitor_text(text, "bold red" if emergency else ""))
        lines = [head, _body(d.what)]
        if d.justification:
            lines += [Text(f"  {t('case.justification')}:"), _body(d.justification, "    ")]
        out.append((d.at, lines))
    return sorted(out, key=lambda item: item[0])


class CaseFileScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = file_bindings()
    bindings = staticmethod(file_bindings)
    DEFAULT_CSS = """
    CaseFileScreen #case-header { background: $boost; padding: 0 1; height: auto; }
    CaseFileScreen #case-timeline { height: 1fr; padding: 0 1; }
    """

    def __init__(self, client: ConsoleClient, case: str, timezone: tzinfo) -> None:
        super().__init__()
        self.client = client
        self.case = case
        self.timezone = timezone
        self.file: p.SCaseFile | None = None
        self.codes: p.SCodes | None = None
        self.loads = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="case-header")
        with VerticalScroll(id="case-timeline"):
            yield Static("", id="case-entries")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.run_worker(self._first_load(), group="case")

    async def _first_load(self) -> None:
        with contextlib.suppress(RequestError):  # labels are a nicety; codes show otherwise
            self.codes = await codes(self.client)
        await self._send(p.CCaseOpen(type="case_open", case=self.case))

    def send(self, frame: p.CFrame) -> None:
        self.run_worker(self._send(frame), group="case", exclusive=False)

    async def _send(self, frame: p.CFrame) -> None:
        answer = await attempt(self, self.client, frame)
        if isinstance(answer, p.SCaseFile):
            if self.file is not None:
                self.notify(t("case.done"), markup=False, timeout=2)
            self.show(answer)

    def show(self, frame: p.SCaseFile) -> None:
        self.file = frame
        self.query_one("#case-header", Static).update(
            Group(*header_lines(frame.header, self.codes))
        )
        entries = timeline(frame, self.timezone)
        lines: list[Text] = []
        for _, block in entries:
            lines += [*block, Text("")]
        self.query_one("#case-entries", Static).update(
            Group(*lines) if lines else Text(t("case.empty"))
        )
        self.loads += 1

    def ask(self, title: str, fields: list[Field], then: Any) -> None:
        """Ask for the fields, then send `then(answers)` (a frame) when not cancelled."""

        def done(answers: dict[str, str] | None) -> None:
            if answers is None:
                return
            try:
                frame = then(answers)
            except ValidationError as error:  # too long, a NUL, an id of the wrong shape
                # Name the field as the dialog labelled it, never the frame's field code.
                where = str((error.errors()[0]["loc"] or ("",))[0])
                label = next((f.label for f in fields if f.name == where), None)
                reason = t("case.check_field", field=label) if label else refusal("invalid")
                self.notify(t("case.refused", reason=reason), severity="error", markup=False)
                return
            self.send(frame)

        self.app.push_screen(FieldsDialog(title, fields), done)

    # ----- actions (each a dialog and one request) -----

    def action_note(self) -> None:
        self.ask(
            t("key.case_note"),
            [Field("body", t("case.text"), multiline=True)],
            lambda a: p.CCaseNote(type="case_note", case=self.case, body=a["body"]),
        )

    def action_assessment(self) -> None:
        self.ask(
            t("key.case_assessment"),
            [Field("body", t("case.text"), multiline=True)],
            lambda a: p.CCaseAssessment(type="case_assessment", case=self.case, body=a["body"]),
        )

    def _last_id(self, items: list[Any]) -> str:
        return str(items[-1].id) if items else ""

    def action_statement(self) -> None:
        last = self._last_id(self.file.assessments if self.file else [])
        self.ask(
            t("key.case_statement"),
            [Field("id", t("case.assessment_id"), default=last),
             Field("body", t("case.text"), multiline=True)],
            lambda a: p.CCaseStatement(type="case_statement", case=self.case,
                                       assessment=_number(a["id"]), body=a["body"]),
        )  # fmt: skip

    def action_referral(self) -> None:
        self.ask(
            t("key.case_referral"),
            [Field("service", t("case.service")),
             Field("reason", t("case.reason"), multiline=True, optional=True)],
            lambda a: p.CCaseReferral(type="case_referral", case=self.case, service=a["service"],
                                      reason=a["reason"] or None),
        )  # fmt: skip

    def action_consent(self) -> None:
        self.ask(
            t("key.case_consent"),
            [Field("who", t("case.third_party")), Field("what", t("case.scope"), multiline=True)],
            lambda a: p.CCaseConsent(type="case_consent", case=self.case, third_party=a["who"],
                                     scope=a["what"]),
        )  # fmt: skip

    def action_withdraw(self) -> None:
        last = self._last_id(self.file.consents if self.file else [])
        self.ask(
            t("key.case_withdraw"),
            [Field("id", t("case.consent_id"), default=last)],
            lambda a: p.CCaseConsentWithdraw(type="case_consent_withdraw", case=self.case,
                                             consent=_number(a["id"])),
        )  # fmt: skip

    def action_disclose(self) -> None:
        last = self._last_id(self.file.consents if self.file else [])
        self.ask(
            t("key.case_disclose"),
            [Field("id", t("case.consent_id"), default=last),
             Field("what", t("case.what"), multiline=True)],
            lambda a: p.CCaseDisclose(type="case_disclose", case=self.case,
                                      consent=_number(a["id"]), what=a["what"]),
        )  # fmt: skip

    def action_emergency(self) -> None:
        self.ask(
            t("key.case_emergency"),
            [Field("to", t("case.recipient"), default="p"),
             Field("what", t("case.what"), multiline=True),
             Field("why", t("case.justification"), multiline=True)],
            lambda a: p.CCaseDisclose(
                type="case_disclose", case=self.case, what=a["what"], justification=a["why"],
                recipient="prosecutor" if a["to"].strip().lower().startswith("o") else "police",
            ),
        )  # fmt: skip

    def action_link(self) -> None:
        self.ask(
            t("key.case_link"),
            [Field("contact", t("case.contact_id"))],
            lambda a: p.CCaseLink(type="case_link", case=self.case, contact=a["contact"].strip()),
        )

    def action_close_reopen(self) -> None:
        """Close the file at once; reopen it only with a reason, asked in a dialog that stays
        open (what was typed kept) until the relay has reopened it or says why not."""
        if self.file is None or self.file.header.status != "closed":
            self.send(p.CCaseStatus(type="case_close", case=self.case))
            return
        reason = Field("reason", t("case.reopen_reason"), multiline=True,
                       missing=t("refused.reason_missing"))  # fmt: skip
        self.app.push_screen(FieldsDialog(t("case.reopen_title"), [reason], send=self._reopen))

    async def _reopen(self, answers: dict[str, str]) -> str | None:
        """Send the reopening; None when done (the file is shown), else why not, in words."""
        try:
            frame = p.CCaseStatus(type="case_reopen", case=self.case, reason=answers["reason"])
        except ValidationError:  # too long, or a NUL
            return t("case.check_field", field=t("case.reopen_reason"))
        try:
            answer = await call(self.client, frame)
        except RequestError as error:
            return refusal(error.code)
        if isinstance(answer, p.SCaseFile):
            self.notify(t("case.done"), markup=False, timeout=2)
            self.show(answer)
        return None

    def action_hold(self) -> None:
        reason = self.file.header.legal_hold_reason if self.file else None
        self.ask(
            t("key.case_hold"),
            [Field("reason", t("case.hold_reason"), default=reason or "", optional=True)],
            lambda a: p.CCaseHold(type="case_hold", case=self.case,
                                  reason=a["reason"].strip() or None),
        )  # fmt: skip

    def action_share(self) -> None:
        self.ask(
            t("key.case_share"),
            [Field("user", t("case.colleague"))],
            lambda a: p.CCaseShare(type="case_share", case=self.case, to_user=a["user"].strip()),
        )

    def action_transcript(self) -> None:
        from helpline_tui.screens.transcript_view import open_transcript

        open_transcript(self)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        show_help(self)


def _number(text: str) -> int:
    """The number typed, or -1 (which the relay answers with `forbidden`: no such entry)."""
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() else -1
