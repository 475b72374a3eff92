"""The console's registration and case-file requests (docs/protocol.md, "Registration" and
"Case files").

Authorisation (S1) is decided by the core services from an `Actor` built afresh for every
request (so a deactivated account or a changed team counts at once): a counsellor registers
the contacts they handled and reads their team's files and those shared with them. Whatever is
not visible is `forbidden`, exactly like what does not exist; a visible file that refuses the
action answers with the service's finer code (`lead_only` for an emergency disclosure by a
counsellor, `case_closed`, `reason_missing`, ...: protocol `CaseRefusal`), which the console
says in its own words, and an English detail for logs. The services audit every read and
change (ids only, never text).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from helpline_core import protocol as p
from helpline_core.codes import DEFAULT_CODES_FILE, CodeList, load_code_list
from helpline_core.protocol import cases as pc
from helpline_core.protocol import registration as pr
from helpline_core.services import registrations as reg
from helpline_core.services.actors import Actor, DomainError, Forbidden, InvalidValue, NotFound
from helpline_core.services.cases import access, consents, entries, files, timeline
from relay import case_frames as cf
from relay.context import Relay
from relay.hub import Presence
from relay.peers import WsPeer

T = TypeVar("T")
log = logging.getLogger(__name__)


def code_list(relay: Relay) -> CodeList:
    """The configured code list (loaded once per path; checked at relay start)."""
    return load_code_list(relay.settings.codes_path or DEFAULT_CODES_FILE)


class CaseOps:
    def __init__(self, relay: Relay, me: Presence, peer: WsPeer) -> None:
        self.relay = relay
        self.me = me
        self.peer = peer
        self.key = relay.key
        self.codes = code_list(relay)

    async def handle(self, frame: pc.CasesConsoleFrame) -> None:
        name = frame.type if frame.type not in ("case_close", "case_reopen") else "case_status"
        try:
            await getattr(self, f"do_{name}")(frame)
        except NotFound as error:
            # A file I may not see: `forbidden`, as if it did not exist (S1). Within a visible
            # file (a consent, an assessment), the finer code the service gave.
            raise p.ProtocolError(error.code or "forbidden") from None
        except Forbidden as error:
            raise p.ProtocolError(error.code or "forbidden", str(error)) from None
        except (InvalidValue, DomainError) as error:
            raise p.ProtocolError(error.code or "invalid", str(error)[:200]) from None
        except SQLAlchemyError as error:
            # E.g. two consoles opening the same contact's registration at once: the unique
            # contact id refuses the second; the console may simply ask again.
            log.warning("case request %s failed: %s", frame.type, type(error).__name__)
            raise p.ProtocolError("internal") from None

    def answer(self, request: pc.CasesConsoleFrame, frame: p.Frame) -> None:
        """Send the answer with the request's `ref` (the console matches answers by it)."""
        self.peer.send(frame.model_copy(update={"ref": request.ref}))

    async def _write(self, fn: Callable[[Session, Actor], T]) -> T:
        """Run fn in the writer's transaction with the current actor (audits are writes)."""
        username = self.me.username
        return await self.relay.store.write(lambda s: fn(s, Actor.counsellor(s, username)))

    async def _read(self, fn: Callable[[Session, Actor], T]) -> T:
        username = self.me.username
        return await self.relay.store.read(lambda s: fn(s, Actor.counsellor(s, username)))

    # ----- registration -----

    async def do_codes(self, frame: pr.CCodes) -> None:
        self.answer(frame, cf.codes_frame(self.codes))

    async def do_registration_open(self, frame: pr.CRegistrationOpen) -> None:
        def run(session: Session, actor: Actor) -> reg.RegistrationView:
            if frame.contact is not None:
                return reg.open_for_contact(
                    session, self.key, self.codes, actor=actor, contact=frame.contact
                )
            assert frame.registration is not None
            return reg.get(session, actor=actor, public_id=frame.registration)

        self.answer(frame, cf.registration_frame(await self._write(run)))

    async def do_registration_save(self, frame: pr.CRegistrationSave) -> None:
        values = cf.values_in(frame.values)

        def run(session: Session, actor: Actor) -> reg.RegistrationView:
            return reg.save(
                session,
                self.key,
                self.codes,
                actor=actor,
                public_id=frame.registration,
                values=values,
                final=frame.final,
            )

        self.answer(frame, cf.registration_frame(await self._write(run)))

    async def do_phone_register(self, frame: pr.CPhoneRegister) -> None:
        values = cf.values_in(frame.values)

        def run(session: Session, actor: Actor) -> reg.RegistrationView:
            return reg.register_phone(
                session,
                self.key,
                self.codes,
                actor=actor,
                contact_at=frame.contact_at,
                duration_seconds=frame.duration_seconds,
                values=values,
                final=frame.final,
            )

        self.answer(frame, cf.registration_frame(await self._write(run)))

    async def do_registration_pending(self, frame: pr.CRegistrationPending) -> None:
        items = await self._read(
            lambda session, actor: reg.pending(session, actor=actor, team=frame.team)
        )
        self.answer(frame, cf.pending_frame(items))

    # ----- case files -----

    async def do_case_list(self, frame: pc.CCaseList) -> None:
        items = await self._read(
            lambda session, actor: files.list_files(
                session, actor=actor, query=frame.query, include_closed=frame.include_closed
            )
        )
        self.answer(frame, p.SCaseList(items=[cf.header(item) for item in items]))

    async def _change_then_show(
        self, frame: pc.CasesConsoleFrame, case: str | None, change: Callable[..., Any]
    ) -> None:
        """Apply `change(session, actor)` (returning the file's public id when `case` is None),
        then answer with the file as it now is, in the same transaction."""

        def run(session: Session, actor: Actor) -> timeline.CaseTimeline:
            outcome = change(session, actor)
            target = case if case is not None else str(outcome)
            return timeline.read(session, self.key, actor=actor, case=target)

        self.answer(frame, cf.case_frame(await self._write(run)))

    async def do_case_open(self, frame: pc.CCaseOpen) -> None:
        await self._change_then_show(frame, frame.case, lambda session, actor: None)

    async def do_case_create(self, frame: pc.CCaseCreate) -> None:
        details = cf.details_in(frame.details)

        def create(session: Session, actor: Actor) -> str:
            return files.open_file(
                session, self.key, self.codes, actor=actor, details=details, contact=frame.contact
            ).public_id

        await self._change_then_show(frame, None, create)

    async def do_case_link(self, frame: pc.CCaseLink) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: files.link_contact(
                session, self.key, actor=actor, case=frame.case, contact=frame.contact
            ),
        )

    async def do_case_note(self, frame: pc.CCaseNote) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: entries.add_note(
                session, self.key, actor=actor, case=frame.case, body=frame.body
            ),
        )

    async def do_case_assessment(self, frame: pc.CCaseAssessment) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: entries.add_assessment(
                session, self.key, actor=actor, case=frame.case, body=frame.body
            ),
        )

    async def do_case_statement(self, frame: pc.CCaseStatement) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: entries.add_statement(
                session,
                self.key,
                actor=actor,
                case=frame.case,
                assessment=frame.assessment,
                body=frame.body,
            ),
        )

    async def do_case_referral(self, frame: pc.CCaseReferral) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: entries.add_referral(
                session,
                self.key,
                actor=actor,
                case=frame.case,
                service=frame.service,
                reason=frame.reason,
            ),
        )

    async def do_case_consent(self, frame: pc.CCaseConsent) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: consents.add_consent(
                session,
                self.key,
                actor=actor,
                case=frame.case,
                third_party=frame.third_party,
                scope=frame.scope,
            ),
        )

    async def do_case_consent_withdraw(self, frame: pc.CCaseConsentWithdraw) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: consents.withdraw_consent(
                session, self.key, actor=actor, case=frame.case, consent=frame.consent
            ),
        )

    async def do_case_disclose(self, frame: pc.CCaseDisclose) -> None:
        def disclose(session: Session, actor: Actor) -> int:
            if frame.consent is not None:
                return consents.disclose_with_consent(
                    session,
                    self.key,
                    actor=actor,
                    case=frame.case,
                    consent=frame.consent,
                    what=frame.what,
                )
            assert frame.recipient is not None and frame.justification is not None
            return consents.disclose_in_emergency(
                session,
                self.key,
                actor=actor,
                case=frame.case,
                recipient=frame.recipient,
                what=frame.what,
                justification=frame.justification,
            )

        await self._change_then_show(frame, frame.case, disclose)

    async def do_case_status(self, frame: pc.CCaseStatus) -> None:
        def change(session: Session, actor: Actor) -> files.CaseSummary:
            if frame.type == "case_close":
                return files.close(session, self.key, actor=actor, case=frame.case)
            return files.reopen(
                session, self.key, actor=actor, case=frame.case, reason=frame.reason
            )

        await self._change_then_show(frame, frame.case, change)

    async def do_case_hold(self, frame: pc.CCaseHold) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: files.set_hold(
                session, self.key, actor=actor, case=frame.case, reason=frame.reason
            ),
        )

    async def do_case_share(self, frame: pc.CCaseShare) -> None:
        await self._change_then_show(
            frame,
            frame.case,
            lambda session, actor: access.share(
                session, self.key, actor=actor, case=frame.case, username=frame.to_user
            ),
        )

    async def do_case_transcript(self, frame: pc.CCaseTranscript) -> None:
        def run(session: Session, actor: Actor) -> list[timeline.TranscriptLine]:
            return timeline.transcript(
                session, self.key, actor=actor, case=frame.case, contact=frame.contact
            )

        lines = await self._write(run)
        self.answer(
            frame,
            p.SCaseTranscript(
                case=frame.case,
                contact=frame.contact,
                lines=[p.TranscriptLine(at=x.at, sender=x.sender, body=x.body) for x in lines],
            ),
        )
