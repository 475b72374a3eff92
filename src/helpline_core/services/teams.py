"""Keep the team table in step with the configured teams."""

from __future__ import annotations

from sqlmodel import Session, select

from helpline_core.config import Settings
from helpline_core.models import Team


def sync_teams(session: Session, settings: Settings) -> list[Team]:
    """Create configured teams that are missing and rename changed ones; never delete."""
    existing = {team.code: team for team in session.exec(select(Team))}
    for configured in settings.teams:
        team = existing.get(configured.code)
        if team is None:
            team = Team(code=configured.code, name=configured.name)
            existing[team.code] = team
        team.name = configured.name
        session.add(team)
    session.flush()
    return list(existing.values())
