"""Core views of registrations and case files turned into wire frames, and back (the form's
values). Pure conversions: no I/O, no authorisation (that is in the core services)."""

from __future__ import annotations

from dataclasses import asdict

from helpline_core import protocol as p
from helpline_core.codes import AgeBand, Code, CodeList, ContactType, FormCategory
from helpline_core.services import registrations as reg
from helpline_core.services.cases import files, timeline


def _entry(item: Code | AgeBand) -> p.CodeEntry:
    if isinstance(item, AgeBand):  # bands are their own label ("12-17")
        return p.CodeEntry(code=item.code, nl=item.code, en=item.code)
    return p.CodeEntry(
        code=item.code,
        nl=item.nl,
        en=item.en,
        sub=tuple(_entry(sub) for sub in item.sub) if isinstance(item, FormCategory) else (),
        counselling=item.counselling if isinstance(item, ContactType) else True,
    )


def codes_frame(codes: CodeList) -> p.SCodes:
    """The whole code list with its labels, for the console's forms."""
    return p.SCodes(
        version=codes.version,
        forms=[_entry(item) for item in codes.forms],
        contact_types=[_entry(item) for item in codes.contact_types],
        roles=[_entry(item) for item in codes.roles],
        age_bands=[_entry(item) for item in codes.age_bands],
        sexes=[_entry(item) for item in codes.sexes],
        regions=[_entry(item) for item in codes.regions],
        relations=[_entry(item) for item in codes.relations],
        referrals=[_entry(item) for item in codes.referrals],
    )


def values_in(wire: p.RegistrationValues) -> reg.RegistrationValues:
    """The form's values as the core takes them."""
    victims = tuple(reg.Victim(**victim.model_dump()) for victim in wire.victims)
    return reg.RegistrationValues(**{**wire.model_dump(), "victims": victims})


def registration_frame(view: reg.RegistrationView) -> p.SRegistration:
    fields = asdict(view)
    fields["registration"] = fields.pop("public_id")
    return p.SRegistration.model_validate(fields)


def pending_frame(items: list[reg.PendingContact]) -> p.SRegistrationPending:
    return p.SRegistrationPending(items=[p.PendingItem.model_validate(asdict(i)) for i in items])


def details_in(wire: p.CaseDetails) -> files.CaseDetails:
    return files.CaseDetails(**wire.model_dump())


def header(item: files.CaseSummary) -> p.CaseHeader:
    fields = asdict(item)
    fields["case"] = fields.pop("public_id")
    del fields["pseudonym"]  # in the details
    return p.CaseHeader.model_validate(fields)


def case_frame(read: timeline.CaseTimeline) -> p.SCaseFile:
    """The whole file; each assessment carries its client statements (F2)."""
    fields = asdict(read)
    del fields["summary"]
    return p.SCaseFile.model_validate({**fields, "header": header(read.summary)})
