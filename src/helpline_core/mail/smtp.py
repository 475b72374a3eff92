"""Send one message over SMTP with aiosmtplib, and sort every failure into temporary or final.

TLS: "implicit" (port 465), "starttls" (587; required, never skipped), "none" (tests, or a relay
on localhost). AUTH when `smtp_user` is set; the password comes from a file or the environment.
A 4xx reply, a dropped connection or a timeout is temporary; a 5xx reply is final, except a
refused login, which is treated as temporary because it is fixed in the configuration, not in
the message. A connection lost or timed out once the DATA command has started is neither:
the server may have taken the message, so delivery is unknown (`delivery_unknown`), and the
caller must not send it again by itself (issue 21: a visitor got the same reply twice).
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from helpline_core.config import MailboxSettings
from helpline_core.mail.imap import MailLoginFailed, read_secret
from helpline_core.mail.reasons import Reason, reason

TIMEOUT_SECONDS = 60.0


class SendFailed(Exception):
    """Sending failed; `temporary` says whether trying again later can help, and
    `delivery_unknown` that the message may have been delivered (never retry it by itself).
    `reason` is what is stored and shown (a delivery code of `mail.reasons`); the message is
    the same in English, for logs."""

    def __init__(
        self,
        message: str,
        *,
        temporary: bool,
        reason: Reason,
        code: int | None = None,
        delivery_unknown: bool = False,
    ) -> None:
        super().__init__(message)
        self.temporary = temporary and not delivery_unknown
        self.reason = reason
        self.code = code
        self.delivery_unknown = delivery_unknown


class _Client(aiosmtplib.SMTP):
    """aiosmtplib's client, noting when the DATA command starts: from then on a lost
    connection leaves delivery unknown."""

    data_started = False

    async def data(self, message: str | bytes, /, **kwargs: Any) -> aiosmtplib.SMTPResponse:
        self.data_started = True
        return await super().data(message, **kwargs)


def _response_failure(error: aiosmtplib.SMTPResponseException) -> SendFailed:
    # The server's text can echo addresses: keep only the code and a short, single-line text.
    text = " ".join(str(error.message).split())[:160]
    return SendFailed(
        f"{error.code} {text}",
        temporary=400 <= error.code < 500,
        code=error.code,
        reason=reason("smtp_refused", status=error.code, detail=text),
    )


async def send_message(
    mailbox: MailboxSettings,
    message: EmailMessage,
    *,
    tls_context: ssl.SSLContext | None = None,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Deliver `message` to the team's SMTP server or raise `SendFailed`; `timeout` (seconds
    per command, default TIMEOUT_SECONDS)."""
    if not mailbox.smtp_host:
        raise SendFailed(
            "no SMTP server configured for this team",
            temporary=True,
            reason=reason("no_smtp_server"),
        )
    try:
        password = read_secret(mailbox.smtp_password_file, mailbox.smtp_password_env, environ)
    except MailLoginFailed as error:
        raise SendFailed(
            str(error), temporary=True, reason=reason("smtp_password_missing", detail=str(error))
        ) from None
    client = _Client(
        hostname=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=mailbox.smtp_user or None,
        password=password if mailbox.smtp_user else None,
        use_tls=mailbox.smtp_tls == "implicit",
        start_tls=mailbox.smtp_tls == "starttls",
        tls_context=tls_context,
        timeout=timeout or TIMEOUT_SECONDS,
    )
    try:
        async with client:
            await client.send_message(message)
    except aiosmtplib.SMTPAuthenticationError as error:
        raise SendFailed(
            f"SMTP login refused ({error.code})",
            temporary=True,
            code=error.code,
            reason=reason("smtp_login_refused", status=error.code),
        ) from None
    except aiosmtplib.SMTPRecipientsRefused as error:
        codes = [refused.code for refused in error.recipients]
        final = all(code >= 500 for code in codes)
        raise SendFailed(
            f"recipient refused ({', '.join(map(str, codes))})",
            temporary=not final,
            code=max(codes),
            reason=reason("recipient_refused", status=max(codes)),
        ) from None
    except aiosmtplib.SMTPResponseException as error:
        raise _response_failure(error) from None
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        if client.data_started:
            raise SendFailed(
                f"delivery unknown: the connection was lost after the message was sent "
                f"({type(error).__name__})",
                temporary=False,
                delivery_unknown=True,
                reason=reason("connection_lost", error=type(error).__name__),
            ) from None
        raise SendFailed(
            f"SMTP server unreachable ({type(error).__name__})",
            temporary=True,
            reason=reason("smtp_unreachable", error=type(error).__name__),
        ) from None
