"""How loud the libraries we use may log: a library that logs what a visitor or sender wrote, a
claim code or an address at some level is capped above that level, whatever level the process
logs at (a DEBUG run to find a fault must not write a visitor's mail into a log file).

Checked (tests/mail/test_mail_logs.py runs the mail worker at DEBUG): aiosmtplib logs nothing;
stdlib smtplib/imaplib only print when their `debuglevel` is set, which we never do; aioimaplib
logs every line it sends and receives at DEBUG (the mail it fetches, the Sent copies it appends,
the sender addresses a deletion searches for) and lines it does not understand at INFO."""

from __future__ import annotations

import logging

CEILINGS: dict[str, int] = {
    # Every IMAP line, mail and addresses included, below WARNING (aioimaplib 2.0).
    "aioimaplib": logging.WARNING,
}


def cap_library_logs() -> None:
    """Raise each logger in CEILINGS to at least its level (a stricter level set by the
    operator stays). Idempotent; called wherever such a library is first used."""
    for name, level in CEILINGS.items():
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)
