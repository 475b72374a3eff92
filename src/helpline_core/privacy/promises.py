"""Configuration that would break a promise of the privacy policy, refused at start-up.

Each `Guard` names the promise (its row in the table at the top of docs/privacy.md, quoting
the policy), the key, and a check. `load_settings` runs them after validation, so the relay,
the console and the CLI all refuse the same settings with the same one line. The retention
periods are guarded in `RetentionSettings` itself (rows P6, P12, P34, P35); the one override
for test installs, `retention.policy_override`, accepts these too.

No configuration key can add a cookie or a resource from another site to the visitor page: the
one cookie is set in one place (`relay/cookies.py`) and the page's Content-Security-Policy is
fixed in `relay/static.py`; `tests/privacy/test_promise_config.py` checks both stay so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpline_core.config import Settings


@dataclass(frozen=True)
class Guard:
    """A promise (row `row` of docs/privacy.md, quoting the policy) and the key that could
    break it; `breaks` returns the offending value as text, or None when the promise holds."""

    row: str
    promise: str
    key: str
    breaks: Callable[[Settings], str | None]


def _resume(settings: Settings) -> str | None:
    minutes = settings.relay.resume_minutes
    return str(minutes) if minutes > 5 else None


def _echo(settings: Settings) -> str | None:
    # SQLAlchemy's echo logs every statement with its parameters: message text, nicknames,
    # email addresses would all reach the log.
    return "true" if settings.database.echo else None


GUARDS: tuple[Guard, ...] = (
    Guard(
        "P15",
        "We also use a cookie to keep the chat session open for five minutes.",
        "relay.resume_minutes",
        _resume,
    ),
    Guard(
        "P19",
        "Our counsellors are obliged to treat any information with discretion and care. "
        "(logs hold no content)",
        "database.echo",
        _echo,
    ),
)


def breaches(settings: Settings) -> list[str]:
    """One line per promise the settings break, naming the key, the value and the promise.

    Empty when every promise holds or `retention.policy_override` is set (test installs)."""
    if settings.retention.policy_override:
        return []
    found = []
    for guard in GUARDS:
        value = guard.breaks(settings)
        if value is not None:
            found.append(
                f"{guard.key} = {value} breaks promise {guard.row} of the privacy policy "
                f'("{guard.promise}"); set retention.policy_override = true to accept'
            )
    return found
