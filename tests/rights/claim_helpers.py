"""Look a claim code up the way `helpline dsr open --claim-code` does."""

from __future__ import annotations

from helpline_core.config import Settings
from helpline_core.db import make_engine, session_scope
from helpline_core.models import Conversation
from helpline_core.secrets import load_key
from helpline_core.services.rights import claims


def stored_claim(settings: Settings, conversation: str, code: str) -> bool:
    """True when `code` finds the conversation with public id `conversation`."""
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            found = claims.find(session, load_key(settings), code, actor="test")
            row = session.get(Conversation, found)
            return row is not None and row.public_id == conversation
    finally:
        engine.dispose()
