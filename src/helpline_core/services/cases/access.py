"""Who may see a case file (S1), and sharing a file with a colleague outside its team.

A counsellor reads and adds to their team's files and the files shared with them; an admin sees
every file. A file outside these rules is `NotFound`, exactly like one that does not exist, so a
guessed public id tells nothing.
"""

from __future__ import annotations

from sqlalchemy import exists, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from helpline_core.models import CaseFile, CaseFileShare, Counsellor
from helpline_core.services import audit
from helpline_core.services.actors import Actor, InvalidValue, NotFound


def visible_files(actor: Actor) -> SelectOfScalar[CaseFile]:
    """A select of the case files `actor` may see (every file for an admin)."""
    statement = select(CaseFile)
    if actor.is_admin:
        return statement
    shared = exists().where(
        col(CaseFileShare.case_file_id) == col(CaseFile.id),
        col(CaseFileShare.counsellor_id) == actor.counsellor_id,
    )
    own_team = (
        col(CaseFile.team_id) == actor.team_id
        if actor.team_id is not None
        else col(CaseFile.id) < 0
    )
    return statement.where(or_(own_team, shared))


def get_file(session: Session, actor: Actor, public_id: str) -> CaseFile:
    """The case file with this public id if `actor` may see it; NotFound otherwise."""
    row = session.exec(visible_files(actor).where(CaseFile.public_id == public_id)).first()
    if row is None:
        raise NotFound("no such case file")
    return row


def share(session: Session, key: bytes, *, actor: Actor, case: str, username: str) -> None:
    """Let colleague `username` read and add to the file (shared professional secrecy). Sharing
    twice is a no-op. InvalidValue for an unknown or inactive account."""
    row = get_file(session, actor, case)
    who = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
    if who is None or not who.active or who.id is None:
        raise InvalidValue("no such active colleague", "no_such_colleague")
    assert row.id is not None
    already = session.exec(
        select(CaseFileShare).where(
            CaseFileShare.case_file_id == row.id, CaseFileShare.counsellor_id == who.id
        )
    ).first()
    if already is None:
        session.add(
            CaseFileShare(case_file_id=row.id, counsellor_id=who.id, shared_by=actor.counsellor_id)
        )
    record(session, key, actor, "case.share", row, {"to": who.username})


def record(
    session: Session,
    key: bytes,
    actor: Actor,
    action: str,
    row: CaseFile,
    detail: dict[str, audit.DetailValue] | None = None,
) -> None:
    """Audit one read or change of a case file: its public id and ids or counts, never text."""
    audit.record(
        session,
        key,
        actor=actor.name,
        action=action,
        object_type="case_file",
        object_id=row.public_id,
        detail=detail,
    )
