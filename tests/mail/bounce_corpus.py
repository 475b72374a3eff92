"""Synthetic bounces and automatic mail for the reply tests (senders are made up).

`dsn` is an RFC 3464 report as Postfix writes it; `qmail_failure` and `exchange_ndr` are the
common non-standard forms (the returned headers quoted in the text, no delivery-status part).
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

ANNA = "anna.test@visitor.example"


def _returned(message_id: str, recipient: str = ANNA) -> str:
    return (
        "From: Hulplijn Antwerpen <antwerpen@helpline.example>\n"
        f"To: {recipient}\n"
        "Subject: Re: Hulp gevraagd\n"
        f"Message-ID: {message_id}\n"
    )


def dsn(
    message_id: str, *, action: str = "failed", status: str = "5.1.1", recipient: str = ANNA
) -> bytes:
    """A delivery status notification for our message `message_id` (RFC 3464, multipart/report
    with message/delivery-status and text/rfc822-headers)."""
    return (
        "From: MAILER-DAEMON@mx.visitor.example (Mail Delivery System)\r\n"
        "To: antwerpen@helpline.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\n"
        f"Message-ID: <dsn-{status}-{abs(hash(message_id))}@mx.visitor.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n"
        "--B\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n"
        "--B\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mx.visitor.example\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable\r\n"
        "--B\r\n"
        "Content-Type: text/rfc822-headers\r\n"
        "\r\n" + _returned(message_id, recipient).replace("\n", "\r\n") + "--B--\r\n"
    ).encode("ascii")


def qmail_failure(message_id: str, recipient: str = ANNA) -> bytes:
    """qmail's "failure notice": plain text, the returned message quoted below a separator."""
    message = EmailMessage()
    message["From"] = "MAILER-DAEMON@mail.visitor.example"
    message["To"] = "antwerpen@helpline.example"
    message["Subject"] = "failure notice"
    message["Message-ID"] = f"<qmail-{abs(hash(message_id))}@mail.visitor.example>"
    message.set_content(
        "Hi. This is the qmail-send program at mail.visitor.example.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
        f"<{recipient}>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
        "--- Below this line is a copy of the message.\n\n"
        + _returned(message_id, recipient)
        + "\nDag Anna\n"
    )
    return message.as_bytes(policy=policy.SMTP)


def out_of_office(in_reply_to: str, sender: str = "anna.test@visitor.example") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "antwerpen@helpline.example"
    message["Subject"] = "Afwezig: Re: Hulp gevraagd"
    message["Message-ID"] = f"<ooo-{abs(hash(in_reply_to))}@visitor.example>"
    message["In-Reply-To"] = in_reply_to
    message["Auto-Submitted"] = "auto-replied"
    message["X-Autoreply"] = "yes"
    message.set_content("Ik ben afwezig tot maandag.")
    return message.as_bytes(policy=policy.SMTP)


def newsletter(number: int = 1) -> bytes:
    message = EmailMessage()
    message["From"] = "Nieuwsbrief <news@shop.example>"
    message["To"] = "antwerpen@helpline.example"
    message["Subject"] = f"Onze aanbiedingen van week {number}"
    message["Message-ID"] = f"<news-{number}@shop.example>"
    message["List-Id"] = "Aanbiedingen <offers.shop.example>"
    message["Precedence"] = "bulk"
    message.set_content("Korting op alles.")
    return message.as_bytes(policy=policy.SMTP)
