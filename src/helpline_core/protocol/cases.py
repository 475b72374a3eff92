"""The console endpoint (/console), case-file part (docs/protocol.md, "Case files"), F1-F3.

New frames only: PROTOCOL_VERSION does not change. `CasesConsoleFrame` and `CasesServerFrame`
include the registration frames (`protocol.registration`), so the codec adds one union. Codes are
checked against the relay's code list (`invalid` otherwise). A file or contact the counsellor
may not see is `forbidden`,
exactly like one that does not exist (S1). Texts in a file (notes, assessments, statements) and
transcripts are shown literally by clients, never as markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from helpline_core.protocol.common import (
    HARD_MAX_TEXT_CHARS,
    CFrame,
    Frame,
    Username,
    clean_text,
)
from helpline_core.protocol.registration import (
    REGISTRATION_REQUEST_TYPES,
    ChannelName,
    Code,
    PublicId,
    RegistrationConsoleFrame,
    RegistrationServerFrame,
)

Body = Annotated[
    str,
    StringConstraints(min_length=1, max_length=HARD_MAX_TEXT_CHARS),
    AfterValidator(clean_text),
]
ShortText = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(clean_text)
]
EmergencyRecipient = Literal["police", "prosecutor"]
# Why a file is reopened: the service trims it and refuses it blank (`reason_missing`).
ReopenReason = Annotated[str, StringConstraints(max_length=500), AfterValidator(clean_text)]


class CaseDetails(Frame):
    """What a case file says about its client (F1): a pseudonym and codes."""

    pseudonym: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    region: Code = "unknown"
    age_group: Code = "unknown"
    sex: Code = "unknown"
    role: Code = "unknown"
    themes: Annotated[tuple[Code, ...], Field(max_length=20)] = ()


# ----- console -> relay -----


class CCaseList(CFrame):
    """The case files I may see; `query` matches a pseudonym or the start of a public id."""

    type: Literal["case_list"]
    query: Annotated[str, StringConstraints(max_length=100)] = ""
    include_closed: bool = True


class CCaseOpen(CFrame):
    """Read a file (audited); answered with `case_file`. So are all the case requests below."""

    type: Literal["case_open"]
    case: PublicId


class CCaseCreate(CFrame):
    type: Literal["case_create"]
    details: CaseDetails
    contact: PublicId | None = None  # a chat/email conversation or a phone registration


class CCaseLink(CFrame):
    type: Literal["case_link"]
    case: PublicId
    contact: PublicId


class CCaseNote(CFrame):
    type: Literal["case_note"]
    case: PublicId
    body: Body


class CCaseAssessment(CFrame):
    type: Literal["case_assessment"]
    case: PublicId
    body: Body


class CCaseStatement(CFrame):
    """The client's statement beside assessment `assessment` (F2): never over it."""

    type: Literal["case_statement"]
    case: PublicId
    assessment: int
    body: Body


class CCaseReferral(CFrame):
    type: Literal["case_referral"]
    case: PublicId
    service: ShortText
    reason: Body | None = None


class CCaseConsent(CFrame):
    type: Literal["case_consent"]
    case: PublicId
    third_party: ShortText
    scope: Body


class CCaseConsentWithdraw(CFrame):
    type: Literal["case_consent_withdraw"]
    case: PublicId
    consent: int


class CCaseDisclose(CFrame):
    """A disclosure against `consent`, or (team leads) an emergency disclosure to `recipient`
    with its `justification` (F3)."""

    type: Literal["case_disclose"]
    case: PublicId
    what: Body
    consent: int | None = None
    recipient: EmergencyRecipient | None = None
    justification: Body | None = None

    @model_validator(mode="after")
    def _basis(self) -> CCaseDisclose:
        emergency = self.recipient is not None or self.justification is not None
        if (self.consent is not None) == emergency:
            raise ValueError("give a consent, or a recipient with a justification")
        if emergency and (self.recipient is None or self.justification is None):
            raise ValueError("an emergency disclosure needs a recipient and a justification")
        return self


class CCaseStatus(CFrame):
    """Close or reopen a file (reopening resets the retention clock). Reopening needs a
    `reason` (staff text, kept on the file and shown in its header; without one the relay
    answers `reason_missing`); closing takes none."""

    type: Literal["case_close", "case_reopen"]
    case: PublicId
    reason: ReopenReason | None = None

    @model_validator(mode="after")
    def _reason_only_to_reopen(self) -> CCaseStatus:
        if self.type == "case_close" and self.reason is not None:
            raise ValueError("a reason goes with case_reopen only")
        return self


class CCaseHold(CFrame):
    """Set a legal hold with its reason, or release it (`reason` null); team leads only."""

    type: Literal["case_hold"]
    case: PublicId
    reason: ShortText | None = None


class CCaseShare(CFrame):
    type: Literal["case_share"]
    case: PublicId
    to_user: Username


class CCaseTranscript(CFrame):
    """The transcript of a chat or the emails of a contact linked to the file (audited)."""

    type: Literal["case_transcript"]
    case: PublicId
    contact: PublicId


CasesConsoleFrame = (
    RegistrationConsoleFrame
    | CCaseList
    | CCaseOpen
    | CCaseCreate
    | CCaseLink
    | CCaseNote
    | CCaseAssessment
    | CCaseStatement
    | CCaseReferral
    | CCaseConsent
    | CCaseConsentWithdraw
    | CCaseDisclose
    | CCaseStatus
    | CCaseHold
    | CCaseShare
    | CCaseTranscript
)
CASE_REQUEST_TYPES = REGISTRATION_REQUEST_TYPES | frozenset(
    {"case_list", "case_open", "case_create", "case_link", "case_note", "case_assessment"}
    | {"case_statement", "case_referral", "case_consent", "case_consent_withdraw"}
    | {"case_disclose", "case_close", "case_reopen", "case_hold", "case_share", "case_transcript"}
)

# ----- relay -> console -----


class OpenRequestEntry(Frame):
    """A data-subject request on the file not answered yet (R1-R6)."""

    id: int
    kind: str
    due_at: datetime


class CaseHeader(Frame):
    """A file's header; `restricted` (R4) and the legal hold are shown on every screen."""

    case: PublicId
    team: str | None
    details: CaseDetails
    status: Literal["open", "closed"]
    opened_at: datetime
    closed_at: datetime | None
    legal_hold: bool
    legal_hold_reason: str | None
    restricted: bool
    open_requests: list[OpenRequestEntry] = Field(default_factory=list)  # shown (R1-R6)
    reopen_reason: str | None = None  # why it was last reopened (staff text, shown)


class SCaseList(Frame):
    type: Literal["case_list"] = "case_list"
    ref: str | None = None  # echoes the request's ref
    items: list[CaseHeader]


class ContactEntry(Frame):
    channel: ChannelName
    contact: PublicId | None
    registration: PublicId | None
    at: datetime
    duration_seconds: int | None
    retained: bool  # False: the transcript is gone (or a phone call, which has none)


class TextEntry(Frame):
    id: int
    at: datetime
    author: str | None
    body: str


class AssessmentEntry(TextEntry):
    statements: list[TextEntry]  # the client's statements, always shown with it (F2)


class ReferralEntry(Frame):
    id: int
    at: datetime
    author: str | None
    service: str
    reason: str | None


class ConsentEntry(Frame):
    id: int
    at: datetime
    author: str | None
    third_party: str
    scope: str
    withdrawn_at: datetime | None


class DisclosureEntry(Frame):
    id: int
    at: datetime
    author: str | None
    recipient: str
    basis: Literal["consent", "emergency"]
    consent: int | None
    justification: str | None
    what: str


class SCaseFile(Frame):
    type: Literal["case_file"] = "case_file"
    ref: str | None = None  # echoes the request's ref
    header: CaseHeader
    contacts: list[ContactEntry]
    notes: list[TextEntry]
    assessments: list[AssessmentEntry]
    referrals: list[ReferralEntry]
    consents: list[ConsentEntry]
    disclosures: list[DisclosureEntry]


class TranscriptLine(Frame):
    at: datetime
    sender: str  # chat: visitor, counsellor, system; email: in, out
    body: str


class SCaseTranscript(Frame):
    type: Literal["case_transcript"] = "case_transcript"
    ref: str | None = None  # echoes the request's ref
    case: PublicId
    contact: PublicId
    lines: list[TranscriptLine]


CasesServerFrame = RegistrationServerFrame | SCaseList | SCaseFile | SCaseTranscript
