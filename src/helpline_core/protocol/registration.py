"""The console endpoint (/console), registration part (docs/protocol.md, "Registration"): the
code list, a contact's registration, phone calls and the contacts still to register (F1, G1).

New frames only: PROTOCOL_VERSION does not change. Codes are checked by the relay against its
configured code list (the console asks for it with `codes`); a code outside the list is answered
with `invalid`; a contact or registration the counsellor may not act on is `forbidden` (S1).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from helpline_core.protocol.common import (
    CFrame,
    ConversationId,
    Frame,
)

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_+.-]{1,48}$")]
PublicId = ConversationId  # case files, registrations and contacts: unguessable UUIDs
ChannelName = Literal["chat", "email", "phone"]


class Victim(Frame):
    age_group: Code = "unknown"
    sex: Code = "unknown"
    relation: Code = "unknown"


class RegistrationValues(Frame):
    """The registration form's values; every one a code from the list (`codes`)."""

    contact_type: Code = "counselling"
    forms: Annotated[tuple[Code, ...], Field(max_length=40)] = ()
    role: Code = "unknown"
    age_group: Code = "unknown"
    region: Code = "unknown"
    sex: Code = "unknown"
    victims: Annotated[tuple[Victim, ...], Field(max_length=20)] = ()
    referrals: Annotated[tuple[Code, ...], Field(max_length=40)] = ()


# ----- console -> relay -----


class CCodes(CFrame):
    """The relay's code list; answered with `codes`."""

    type: Literal["codes"]


class CRegistrationOpen(CFrame):
    """Open a contact's registration (a draft pre-filled from the intake when there is none),
    or an existing registration by id; answered with `registration`."""

    type: Literal["registration_open"]
    contact: PublicId | None = None
    registration: PublicId | None = None

    @model_validator(mode="after")
    def _one(self) -> CRegistrationOpen:
        if (self.contact is None) == (self.registration is None):
            raise ValueError("give contact or registration")
        return self


class CRegistrationSave(CFrame):
    """Save the values as a draft, or finalise them (`final`); answered with `registration`."""

    type: Literal["registration_save"]
    registration: PublicId
    values: RegistrationValues
    final: bool = False


class CPhoneRegister(CFrame):
    """Register a phone call (it happened outside the software); answered with `registration`."""

    type: Literal["phone_register"]
    contact_at: datetime
    duration_seconds: Annotated[int, Field(ge=0, le=24 * 3600)]
    values: RegistrationValues
    final: bool = True


class CRegistrationPending(CFrame):
    """Contacts still to register: mine, or the team's (`team`, team leads)."""

    type: Literal["registration_pending"]
    team: bool = False


RegistrationConsoleFrame = (
    CCodes | CRegistrationOpen | CRegistrationSave | CPhoneRegister | CRegistrationPending
)
REGISTRATION_REQUEST_TYPES = frozenset(
    {"codes", "registration_open", "registration_save", "phone_register", "registration_pending"}
)

# ----- relay -> console -----


class CodeEntry(Frame):
    code: str
    nl: str
    en: str
    sub: tuple[CodeEntry, ...] = ()  # forms of violence: the sub-forms ("category.sub" on the wire)
    counselling: bool = True  # contact types: False for information, silent, test, abusive


class SCodes(Frame):
    type: Literal["codes"] = "codes"
    ref: str | None = None  # echoes the request's ref
    version: str
    forms: list[CodeEntry]
    contact_types: list[CodeEntry]
    roles: list[CodeEntry]
    age_bands: list[CodeEntry]
    sexes: list[CodeEntry]
    regions: list[CodeEntry]
    relations: list[CodeEntry]
    referrals: list[CodeEntry]


class SRegistration(Frame):
    type: Literal["registration"] = "registration"
    ref: str | None = None  # echoes the request's ref
    registration: PublicId
    contact: PublicId | None
    channel: ChannelName
    status: Literal["draft", "final"]
    contact_at: datetime
    duration_seconds: int | None
    codes_version: str
    counsellor: str | None
    case_file: PublicId | None
    values: RegistrationValues


class PendingItem(Frame):
    contact: PublicId | None  # None: a phone draft
    registration: PublicId | None  # None: not started
    channel: ChannelName
    at: datetime
    counsellor: str | None  # display name of who had the contact


class SRegistrationPending(Frame):
    type: Literal["registration_pending"] = "registration_pending"
    ref: str | None = None  # echoes the request's ref
    items: list[PendingItem]


RegistrationServerFrame = SCodes | SRegistration | SRegistrationPending
