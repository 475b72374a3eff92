"""Core views of registrations and case files turned into wire frames, and back (the form's
values). Pure conversions: no I/O, no authorisation (that is in the core services)."""

from __future__ import annotations

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
    return reg.RegistrationValues(
        contact_type=wire.contact_type,
        forms=tuple(wire.forms),
        role=wire.role,
        age_group=wire.age_group,
        region=wire.region,
        sex=wire.sex,
        victims=tuple(reg.Victim(v.age_group, v.sex, v.relation) for v in wire.victims),
        referrals=tuple(wire.referrals),
    )


def registration_frame(view: reg.RegistrationView) -> p.SRegistration:
    values = view.values
    return p.SRegistration(
        registration=view.public_id,
        contact=view.contact,
        channel=view.channel.value,
        status=view.status.value,
        contact_at=view.contact_at,
        duration_seconds=view.duration_seconds,
        codes_version=view.codes_version,
        counsellor=view.counsellor,
        case_file=view.case_file,
        values=p.RegistrationValues(
            contact_type=values.contact_type,
            forms=values.forms,
            role=values.role,
            age_group=values.age_group,
            region=values.region,
            sex=values.sex,
            victims=tuple(
                p.Victim(age_group=v.age_group, sex=v.sex, relation=v.relation)
                for v in values.victims
            ),
            referrals=values.referrals,
        ),
    )


def pending_frame(items: list[reg.PendingContact]) -> p.SRegistrationPending:
    return p.SRegistrationPending(
        items=[
            p.PendingItem(
                contact=item.contact,
                registration=item.registration,
                channel=item.channel.value,
                at=item.at,
                counsellor=item.counsellor,
            )
            for item in items
        ]
    )


def details_in(wire: p.CaseDetails) -> files.CaseDetails:
    return files.CaseDetails(
        pseudonym=wire.pseudonym,
        region=wire.region,
        age_group=wire.age_group,
        sex=wire.sex,
        role=wire.role,
        themes=tuple(wire.themes),
    )


def header(item: files.CaseSummary) -> p.CaseHeader:
    d = item.details
    return p.CaseHeader(
        case=item.public_id,
        team=item.team,
        details=p.CaseDetails(
            pseudonym=d.pseudonym,
            region=d.region,
            age_group=d.age_group,
            sex=d.sex,
            role=d.role,
            themes=d.themes,
        ),
        status=item.status.value,
        opened_at=item.opened_at,
        closed_at=item.closed_at,
        legal_hold=item.legal_hold,
        legal_hold_reason=item.legal_hold_reason,
        restricted=item.restricted,
    )


def _text(item: timeline.TextItem) -> p.TextEntry:
    return p.TextEntry(id=item.id, at=item.at, author=item.author, body=item.body)


def case_frame(read: timeline.CaseTimeline) -> p.SCaseFile:
    return p.SCaseFile(
        header=header(read.summary),
        contacts=[
            p.ContactEntry(
                channel=c.channel.value,
                contact=c.contact,
                registration=c.registration,
                at=c.at,
                duration_seconds=c.duration_seconds,
                retained=c.retained,
            )
            for c in read.contacts
        ],
        notes=[_text(n) for n in read.notes],
        assessments=[
            p.AssessmentEntry(
                id=a.id,
                at=a.at,
                author=a.author,
                body=a.body,
                statements=[_text(s) for s in a.statements],
            )
            for a in read.assessments
        ],
        referrals=[
            p.ReferralEntry(id=r.id, at=r.at, author=r.author, service=r.service, reason=r.reason)
            for r in read.referrals
        ],
        consents=[
            p.ConsentEntry(
                id=c.id,
                at=c.at,
                author=c.author,
                third_party=c.third_party,
                scope=c.scope,
                withdrawn_at=c.withdrawn_at,
            )
            for c in read.consents
        ],
        disclosures=[
            p.DisclosureEntry(
                id=d.id,
                at=d.at,
                author=d.author,
                recipient=d.recipient,
                basis="emergency" if d.basis == "emergency" else "consent",
                consent=d.consent,
                justification=d.justification,
                what=d.what,
            )
            for d in read.disclosures
        ],
    )
