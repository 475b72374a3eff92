"""One email thread: the emails oldest first, and a reply composer.

In the composer Enter makes a new line (an email is not a chat line); ctrl+s sends. The draft
belongs to the conversation (`ClientState.email_drafts`, memory only): leaving the thread keeps
it, a sent reply clears it. F6 opens $VISUAL / $EDITOR on the draft: the app is suspended, the
draft lives in a private (0700) temporary directory for the editor's lifetime only. F9 shows the
whole thread in $PAGER (a body is laid out up to SHOWN_CHARACTERS only). Everything
from the sender (subject, names, addresses, bodies, attachment names) passes through
`safe.visitor_text`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TextArea

from helpline_core.protocol.email import (
    CLAIM_PLACEHOLDERS,
    MAX_REPLY_CHARS,
    CEmailForget,
    CEmailHandover,
    CEmailOpen,
    CEmailReply,
    CEmailTake,
    SEmailThread,
    ThreadEmailItem,
)
from helpline_tui.commands import CannedRepliesProvider
from helpline_tui.email_text import et, size, time_left, why
from helpline_tui.email_ui import ask, email_help, subject_text
from helpline_tui.i18n import current_language, t
from helpline_tui.safe import shown_prefix, visitor_text
from helpline_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from helpline_core.canned import CannedReply
    from helpline_tui.client import ConsoleClient


def thread_bindings() -> list[BindingType]:
    return [
        Binding("escape", "back", et("key.email_back"), priority=True),
        Binding("ctrl+s", "send", et("key.email_send"), priority=True),
        Binding("f3", "take", et("key.email_take"), priority=True),
        Binding("f4", "recipient", et("key.email_recipient"), priority=True),
        Binding("f5", "handover", et("key.email_handover"), priority=True),
        Binding("f6", "editor", et("key.email_editor"), priority=True),
        Binding("ctrl+r", "canned", et("key.email_canned"), priority=True),
        Binding("f7", "claim_code", et("key.email_claim"), priority=True),
        Binding("f8", "forget", et("key.email_forget"), priority=True),
        Binding("f9", "pager", et("key.email_pager"), priority=True),
        Binding("f1", "help", t("key.help"), priority=True),
    ]


# The most characters of one email's body the thread view lays out: a body of millions of
# characters (one mail of a million zero-width spaces) froze the console for minutes. The whole
# thread is read in the pager (F9). Longer than any letter a person writes.
SHOWN_CHARACTERS = 50_000


def render_email(
    email: ThreadEmailItem, timezone: tzinfo, shown: int | None = SHOWN_CHARACTERS
) -> Text:
    """One email as plain Text: a header line of ours around the sender's literal strings. Of a
    body longer than `shown` characters, the first `shown` and a line saying how many more
    (None: the whole body, for the pager)."""
    out = Text(end="")
    when = email.at.astimezone(timezone).strftime("%d-%m-%Y %H:%M")
    out.append(f"{et('email.in') if email.direction == 'in' else et('email.out')} ", style="bold")
    name, address = email.from_name or "", email.from_address or ""
    out.append_text(visitor_text(f"{name} <{address}>" if name and address else name or address))
    out.append(f"  {when}", style="dim")
    if email.outbox_state == "queued":
        out.append(f"  {et('email.queued')}", style="italic")
    elif email.outbox_state in ("failed", "undelivered"):
        label = et("email.failed" if email.outbox_state == "failed" else "email.undelivered")
        out.append(f"  {label}", style="bold red")
    if email.other_sender:
        out.append(f"  {et('email.other_sender')}", style="bold yellow")
    if email.kind != "person" and email.direction == "in":
        out.append(f"  {et('email.' + email.kind)}", style="italic")
    if email.direction == "out" and email.to:
        out.append("\n→ ", style="dim")
        out.append_text(visitor_text(", ".join(email.to)))
    if email.problem or email.problem_code:
        out.append("\n")
        out.append(why(email.problem_code), style="red")
    out.append("\n")
    body = email.body.rstrip()
    start = body if shown is None else shown_prefix(body, shown)
    out.append_text(visitor_text(start, multiline=True))
    if len(start) < len(body):
        more = f"{len(body) - len(start):,}"
        out.append("\n" + et("email.cut", more=more), style="bold italic")
    for attachment in email.attachments:
        out.append(f"\n📎 {et('email.attachment')}: ", style="dim")
        out.append_text(visitor_text(attachment.name or "?"))
        kind = visitor_text(attachment.type or "?")
        out.append(" (")
        out.append_text(kind)
        out.append(f", {size(attachment.size)}")
        if attachment.dropped or attachment.dropped_code:
            out.append(f", {et('email.dropped')}: {why(attachment.dropped_code)}")
        out.append(")")
    return out


class EmailCannedProvider(CannedRepliesProvider):
    """Canned replies for the email composer: the console's language first."""

    def _replies(self) -> list[CannedReply]:
        screen = self.screen
        if not isinstance(screen, EmailThreadScreen):
            return []
        first = current_language()
        languages = [first, *sorted(x for x in screen.canned if x != first)]
        return [reply for language in languages for reply in screen.canned.get(language, [])]

    def _values(self) -> dict[str, str]:
        screen = self.screen
        return screen.canned_values if isinstance(screen, EmailThreadScreen) else {}

    def _insert(self, text: str) -> None:
        if isinstance(self.screen, EmailThreadScreen):
            self.screen.insert_text(text)


class EmailThreadScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = thread_bindings()
    bindings = staticmethod(thread_bindings)
    DEFAULT_CSS = """
    EmailThreadScreen #email-subject { text-style: bold; background: $boost; padding: 0 1; }
    EmailThreadScreen #email-meta { color: $text-muted; padding: 0 1; }
    EmailThreadScreen #emails { height: 1fr; }
    EmailThreadScreen .email { padding: 0 1 1 1; border-bottom: hkey $primary 30%; }
    EmailThreadScreen #reply { height: 10; border: round $primary 50%; }
    EmailThreadScreen #reply:focus { border: round $primary; }
    """

    def __init__(
        self,
        client: ConsoleClient,
        conversation: str,
        timezone: tzinfo,
        canned: dict[str, list[CannedReply]],
        canned_values: dict[str, str],
    ) -> None:
        super().__init__()
        self.client = client
        self.conversation = conversation
        self.timezone = timezone
        self.canned = canned
        self.canned_values = canned_values
        self.thread: SEmailThread | None = None
        self.sending = False
        # The email a counsellor chose to answer (F4), else None: the correspondent's newest.
        self.answer: int | None = None

    @property
    def drafts(self) -> dict[str, str]:
        return self.client.state.email_drafts

    def compose(self) -> ComposeResult:
        yield Static(id="email-subject")
        yield Static(id="email-meta")
        yield VerticalScroll(id="emails")
        draft = self.drafts.get(self.conversation, "")
        reply = TextArea(draft, id="reply", soft_wrap=True, tab_behavior="focus")
        reply.border_title = et("email.composer")
        yield reply
        yield QuietFooter()

    def on_mount(self) -> None:
        self.reload()
        reply = self.query_one("#reply", TextArea)
        reply.move_cursor(reply.document.end)  # go on writing where I left off
        reply.focus()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.keep_draft()

    def keep_draft(self) -> None:
        text = self.query_one("#reply", TextArea).text
        if text.strip():
            self.drafts[self.conversation] = text
        else:
            self.drafts.pop(self.conversation, None)

    def reload(self) -> None:
        self.run_worker(self._reload(), group="email-thread", exclusive=True)

    async def _reload(self) -> None:
        frame = CEmailOpen(type="email_open", conversation=self.conversation)
        answer = await ask(
            self,
            self.client.request(
                frame,  # type: ignore[arg-type]
                lambda f: f.type == "email_thread" and f.conversation == self.conversation,
            ),
        )
        if isinstance(answer, SEmailThread):
            await self.show(answer)

    async def show(self, thread: SEmailThread) -> None:
        self.thread = thread
        self.query_one("#email-subject", Static).update(subject_text(thread.subject))
        meta = Text(time_left(thread.seconds_left), style="bold red" if (
            thread.seconds_left is not None and thread.seconds_left < 0) else "")  # fmt: skip
        if thread.counsellor:
            meta.append(" · ")
            meta.append_text(visitor_text(thread.counsellor_name or thread.counsellor))
        if thread.attention or thread.attention_code:
            meta.append("\n")
            meta.append(et("email.attention", reason=why(thread.attention_code)), style="bold red")
        meta.append("\n")
        meta.append_text(self.recipients_text())
        self.query_one("#email-meta", Static).update(meta)
        box = self.query_one("#emails", VerticalScroll)
        await box.remove_children()
        await box.mount_all(
            Static(render_email(email, self.timezone), classes="email") for email in thread.emails
        )
        box.scroll_end(animate=False)

    def answerable(self) -> list[ThreadEmailItem]:
        """The emails a reply may answer: a person's incoming mail (never a daemon's)."""
        emails = self.thread.emails if self.thread else []
        return [e for e in emails if e.direction == "in" and e.kind == "person" and e.id]

    def recipients_text(self) -> Text:
        """Who the reply goes to, always shown before sending (issue 21)."""
        chosen = next((e for e in self.answerable() if e.id == self.answer), None)
        if chosen is not None:
            who = ", ".join(chosen.reply_to or [chosen.from_address or "?"])
            return visitor_text(et("email.to_chosen", who=who), style="bold yellow")
        if self.thread is None or not self.thread.recipients:
            return Text(et("email.nobody"), style="bold")
        return visitor_text(et("email.to", who=", ".join(self.thread.recipients)), style="bold")

    # ----- actions -----

    def action_recipient(self) -> None:
        """Answer another email of the thread (its sender gets the reply): a deliberate choice,
        cycling through the person's mails; back to the default after the last."""
        ids = [e.id for e in self.answerable()]
        if not ids or self.thread is None:
            return
        current = self.answer if self.answer is not None else self.thread.answers
        position = ids.index(current) if current in ids else -1
        following = ids[(position + 1) % len(ids)]
        self.answer = None if following == self.thread.answers else following
        self.run_worker(self.show(self.thread), group="email-thread-show", exclusive=True)

    def action_back(self) -> None:
        self.keep_draft()  # the last keys' Changed message may not have arrived yet
        self.dismiss(None)

    def action_send(self) -> None:
        text = self.query_one("#reply", TextArea).text.strip()
        if not text or self.sending:
            return
        try:
            frame = CEmailReply(
                type="email_reply",
                conversation=self.conversation,
                client_id=uuid.uuid4().hex,
                body=text,
                answer=self.answer,
            )
        except ValidationError:
            # The frame cannot even be built (too long, or a NUL): say so here rather than fail
            # a worker (which would close the console and the draft with it).
            if len(text) > MAX_REPLY_CHARS:
                message = et("email.too_long", chars=len(text), most=MAX_REPLY_CHARS)
            else:
                message = et("email.unsendable")
            self.notify(message, severity="error", markup=False)
            return
        # One reply per ctrl+s, however often it is pressed while the relay answers; on the
        # app, so that leaving the thread meanwhile does not keep a draft that was sent.
        self.sending = True
        self.app.run_worker(self._send(frame, text), group="email-send")

    async def _send(self, frame: CEmailReply, text: str) -> None:
        try:
            if await ask(self, self.client.request(frame)) is None:  # type: ignore[arg-type]
                return  # the draft stays, in the composer and in the client state
        finally:
            self.sending = False
        if self.drafts.get(self.conversation, "").strip() == text:
            del self.drafts[self.conversation]  # not if I wrote on while it was being sent
        self.notify(et("email.sent"), markup=False)
        self.answer = None  # the next reply goes to the correspondent again
        from helpline_tui.screens.registration import offer_registration

        offer_registration(self.app, self.client, self.timezone, self.conversation)
        if self.is_attached:
            composer = self.query_one("#reply", TextArea)
            if composer.text.strip() == text:
                composer.text = ""
            self.reload()

    def action_take(self) -> None:
        frame = CEmailTake(type="email_take", conversation=self.conversation)
        self.run_worker(self._simple(frame, et("email.taken")), group="email-action")

    async def _simple(self, frame: CEmailTake | CEmailHandover | CEmailForget, done: str) -> None:
        if await ask(self, self.client.request(frame)) is None:  # type: ignore[arg-type]
            return
        self.notify(done, markup=False)
        if isinstance(frame, CEmailTake):
            self.reload()
            return
        if isinstance(frame, CEmailForget):
            self.drafts.pop(self.conversation, None)  # nothing of this email is to be kept
        else:
            self.keep_draft()
        self.dismiss(None)  # no longer ours to look at

    def action_handover(self) -> None:
        from helpline_tui.screens.dialogs import TargetDialog

        def chosen(username: str | None) -> None:
            if not username:
                return
            frame = CEmailHandover(
                type="email_handover", conversation=self.conversation, to_user=username.strip()
            )
            self.run_worker(self._simple(frame, et("email.handed", to=username.strip())))

        dialog = TargetDialog(et("email.handover.title"), et("email.handover.prompt"))
        self.app.push_screen(dialog, chosen)

    def action_forget(self) -> None:
        from helpline_tui.screens.dialogs import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if yes:
                frame = CEmailForget(type="email_forget", conversation=self.conversation)
                self.run_worker(self._simple(frame, et("email.forgotten")))

        dialog = ConfirmDialog(et("email.forget.title"), et("email.forget.body"))
        self.app.push_screen(dialog, confirmed)

    def action_canned(self) -> None:
        self.app.push_screen(CommandPalette(providers=[EmailCannedProvider]))

    def insert_text(self, text: str) -> None:
        composer = self.query_one("#reply", TextArea)
        composer.insert(text)
        composer.focus()

    def action_claim_code(self) -> None:
        """Put a claim-code placeholder at the cursor (R1-R6): in the console's language, or,
        right after a placeholder, that placeholder in the next language (nl, fr, en). The
        relay turns it into words for the recipient only (docs/claim-codes.md)."""
        composer = self.query_one("#reply", TextArea)
        row, column = composer.cursor_location
        before = composer.document.get_line(row)[:column]
        order = list(CLAIM_PLACEHOLDERS)
        language = current_language() if current_language() in order else order[0]
        for index, known in enumerate(order):
            token = CLAIM_PLACEHOLDERS[known]
            if before.lower().endswith(token):
                language = order[(index + 1) % len(order)]
                composer.delete((row, column - len(token)), (row, column))
                break
        composer.insert(CLAIM_PLACEHOLDERS[language])
        composer.focus()
        name = et(f"language.{language}")
        self.notify(et("email.claim_inserted", language=name), markup=False)

    def action_editor(self) -> None:
        composer = self.query_one("#reply", TextArea)
        try:
            edited = edit_in_editor(self, composer.text)
        except EditorProblem as problem:
            # The draft stays as it was: nothing the counsellor wrote is lost.
            self.notify(et(problem.key, **problem.params), severity="error", markup=False)
            return
        composer.text = edited.text
        if edited.replaced:
            self.notify(et("email.editor_not_utf8"), severity="warning", markup=False)

    def action_pager(self) -> None:
        if self.thread is None:
            return
        whole = "\n\n".join(render_email(e, self.timezone, None).plain for e in self.thread.emails)
        try:
            show_in_pager(self, subject_text(self.thread.subject).plain + "\n\n" + whole)
        except EditorProblem as problem:
            self.notify(et(problem.key, **problem.params), severity="error", markup=False)

    def action_help(self) -> None:
        self.app.push_screen(email_help(self.BINDINGS, ("enter", et("help.email_enter"))))


class EditorProblem(Exception):
    """Why the editor gave back no text, or the pager showed nothing: `key` names the console's
    sentence (email_text), `params` fill it. The draft is then left as it was."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Edited:
    """The text the editor left; `replaced`: it was not UTF-8, and bytes were replaced."""

    text: str
    replaced: bool = False


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else vi, split as a shell would. EditorProblem when the setting
    cannot be split (an unclosed quote) or is empty."""
    return _command(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi", "editor")


def pager_command() -> list[str]:
    """$PAGER, else less, split as a shell would; EditorProblem as for `editor_command`."""
    return _command(os.environ.get("PAGER") or "less", "pager")


def _command(setting: str, what: str) -> list[str]:
    try:
        command = shlex.split(setting)
    except ValueError:
        raise EditorProblem(f"email.{what}_unreadable") from None
    if not command:
        raise EditorProblem(f"email.{what}_unreadable")
    return command


def _run(
    screen: Screen[None], command: list[str], what: str = "editor", stdin: bytes | None = None
) -> int:
    """Run the editor (or the pager, `what`, fed `stdin`) with the terminal handed over; its
    exit status."""
    # A pager reads no file of ours and runs no command (less: LESSSECURE), and its input holds
    # no escape sequence: it is the neutralised text the console shows.
    environment = {**os.environ, "LESSSECURE": "1"} if what == "pager" else None
    try:
        try:
            with screen.app.suspend():
                return subprocess.run(command, check=False, input=stdin, env=environment).returncode
        except SuspendNotSupported:
            if not screen.app.is_headless:
                raise EditorProblem(f"email.{what}_no_terminal") from None
            return subprocess.run(
                command, check=False, capture_output=True, input=stdin, env=environment
            ).returncode
    except FileNotFoundError:
        raise EditorProblem(f"email.{what}_not_found", name=Path(command[0]).name) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise EditorProblem(f"email.{what}_failed", reason=reason) from None


def show_in_pager(screen: Screen[None], text: str) -> None:
    """Show `text` (already neutralised: the console's own rendering of the thread) in the
    user's pager, on its standard input: the email's text is never written to a file.
    EditorProblem when the pager cannot start."""
    _run(screen, pager_command(), "pager", text.encode("utf-8"))


def edit_in_editor(screen: Screen[None], draft: str) -> Edited:
    """Run the user's editor on `draft` and return what it left. The file is written in a
    fresh directory only this user can enter (mkdtemp: 0700) and removed with it afterwards.
    EditorProblem when the editor cannot start, or exits with an error (as git does, that is
    taken as "abandon": vim's :cq); text that is not UTF-8 comes back with replacements."""
    command = editor_command()
    with tempfile.TemporaryDirectory(prefix="helpline-reply-") as folder:
        path = Path(folder) / "reply.txt"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(draft)
        status = _run(screen, [*command, str(path)])
        if status != 0:
            raise EditorProblem("email.editor_abandoned", status=str(status))
        try:
            data = path.read_bytes()
        except OSError:
            raise EditorProblem("email.editor_no_file") from None
    try:
        return Edited(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Edited(data.decode("utf-8", "replace"), replaced=True)
