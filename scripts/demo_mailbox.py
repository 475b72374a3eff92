"""The demo's mailbox: synthetic emails for team Antwerpen, and the team settings that wire it.

    python scripts/demo_mailbox.py teams IMAP_PORT SMTP_PORT   # HELPLINE_TEAMS (JSON) for the demo
    python scripts/demo_mailbox.py fill IMAP_PORT              # replace the INBOX with the emails

The IMAP server is pymap's in-memory one (`pymap --port IMAP_PORT dict --demo-data`, user
demouser / demopass), replies go to an aiosmtpd sink; both on 127.0.0.1 without TLS, for a demo
only. The emails: a thread of two, an HTML one, one with an attachment, and one without a usable
sender, which the relay quarantines. All made up.
"""

from __future__ import annotations

import imaplib
import json
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

USER, PASSWORD = "demouser", "demopass"
PASSWORD_ENV = "DEMO_IMAP_PASSWORD"  # not HELPLINE_*: that prefix is read as configuration
TEAM_ADDRESS = "antwerpen@helpline.example"


def _mail(sender: str, subject: str, body: str, hours_ago: int, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = TEAM_ADDRESS
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC) - timedelta(hours=hours_ago))
    message["Message-ID"] = make_msgid(domain="visitor.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def messages() -> list[bytes]:
    """The demo emails as raw bytes (CRLF, as IMAP stores them), oldest first."""
    first = _mail("Sam <sam@visitor.example>", "Thuis is het niet veilig",
                  "Hallo,\n\nMijn stiefvader roept elke avond en ik durf niet naar huis.\n"
                  "Kan ik met iemand praten?\n\nSam", 30)  # fmt: skip
    first_id = str(first["Message-ID"])
    again = _mail("Sam <sam@visitor.example>", "Re: Thuis is het niet veilig",
                  "Ik heb nog niets gehoord. Is dit adres wel juist?\n\nSam", 6,
                  In_Reply_To=first_id, References=first_id)  # fmt: skip
    html = _mail("Noor <noor@visitor.example>", "Vraag over een vriendin",
                 "Mijn vriendin heeft blauwe plekken.", 20)  # fmt: skip
    html.add_alternative(
        "<p>Mijn vriendin heeft <b>blauwe plekken</b> en zegt dat ze gevallen is.</p>"
        "<p><a href='https://example.org/'>link</a> <script>alert(1)</script></p>",
        subtype="html",
    )
    attached = _mail("Jo <jo@visitor.example>", "Brief van school",
                     "In de bijlage de brief die ik kreeg.\n\nJo", 12)  # fmt: skip
    attached.add_attachment(b"%PDF-1.4\n% made up\n", maintype="application", subtype="pdf",
                            filename="brief.pdf")  # fmt: skip
    nobody = EmailMessage()  # no usable sender: quarantined, to be looked at in F7
    nobody["To"] = TEAM_ADDRESS
    nobody["Subject"] = "zonder afzender"
    nobody.set_content("Deze e-mail heeft geen afzender.")
    return [m.as_bytes(policy=SMTP) for m in (first, html, attached, again, nobody)]


def teams_json(imap_port: int, smtp_port: int) -> str:
    """Every default team, with Antwerpen's mailbox on the local demo servers."""
    from helpline_core.config import default_teams

    teams = [team.model_dump(mode="json") for team in default_teams()]
    teams[0]["mail"].update(
        imap_host="127.0.0.1", imap_port=imap_port, imap_tls="none", imap_user=USER,
        imap_password_env=PASSWORD_ENV, smtp_host="127.0.0.1", smtp_port=smtp_port,
        smtp_tls="none", from_address=TEAM_ADDRESS, from_name="Hulplijn Antwerpen",
        # The demo emails are there before the relay's first read: take them, not only new mail.
        first_sync="all",
    )  # fmt: skip
    return json.dumps(teams)


def fill(imap_port: int, timeout: float = 15.0) -> int:
    """Wait for the server, empty the INBOX (pymap's own demo mails), append ours; their count."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", imap_port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # a server starting in another process: nothing to await here
    with imaplib.IMAP4("127.0.0.1", imap_port) as imap:
        imap.login(USER, PASSWORD)
        imap.select("INBOX")
        imap.store("1:*", "+FLAGS", "\\Deleted")
        imap.expunge()
        for raw in messages():
            imap.append("INBOX", None, None, raw)
    return len(messages())


if __name__ == "__main__":
    command, *ports = sys.argv[1:]
    if command == "teams":
        sys.stdout.write(teams_json(int(ports[0]), int(ports[1])) + "\n")
    elif command == "fill":
        sys.stderr.write(f"{fill(int(ports[0]))} demo emails in the mailbox\n")
    else:
        sys.exit(f"unknown command {command!r}: teams or fill")
