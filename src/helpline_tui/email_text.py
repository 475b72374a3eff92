"""The email view's words (Dutch default, English) and its small formatters (time left, sizes,
reasons).

Kept beside i18n.py rather than in it so the email view can grow without touching the chat's
dictionary; it follows the console's language (`i18n.current_language`). Why mail was
quarantined, a reply failed or a mailbox fails comes from the relay as a code
(`MailReason`, helpline_core.mail.reasons): `mail.why.<code>` below says each one."""

from __future__ import annotations

import string
from typing import Final

from helpline_core.protocol.email import MailReason
from helpline_tui.i18n import current_language

_STRINGS: Final[dict[str, tuple[str, str]]] = {
    "email.arrived": ("Nieuwe e-mail voor het team (F12).", "New email for the team (F12)."),
    "help.email_enter": (
        "nieuwe regel in het antwoord (ctrl+s verzendt)",
        "new line in the reply (ctrl+s sends)",
    ),
    "help.email_tab": ("volgend / vorig veld", "next / previous field"),
    "help.email_palette": ("opdrachtenpalet", "command palette"),
    "email.title": ("E-mail van het team", "The team's email"),
    "email.count": ("{total} gesprekken", "{total} conversations"),
    "email.count_one": ("1 gesprek", "1 conversation"),
    "email.page": (
        "{first}-{last} getoond (F8 / shift+F8)",
        "{first}-{last} shown (F8 / shift+F8)",
    ),
    "key.email_next": ("Volgende pagina", "Next page"),
    "key.email_previous": ("Vorige pagina", "Previous page"),
    "email.empty": ("Geen e-mail die op antwoord wacht.", "No email waiting for an answer."),
    "email.col.left": ("Tijd", "Time"),
    "email.col.subject": ("Onderwerp", "Subject"),
    "email.col.from": ("Afzender", "From"),
    "email.col.count": ("#", "#"),
    "email.col.who": ("Bij", "With"),
    "email.over": ("{span} over", "{span} overdue"),
    "email.left": ("nog {span}", "{span} left"),
    "email.answered": ("beantwoord", "answered"),
    "email.no_subject": ("(geen onderwerp)", "(no subject)"),
    "email.me": ("jij", "you"),
    "email.in": ("van", "from"),
    "email.out": ("antwoord", "reply"),
    "email.queued": ("(in de wachtrij om te verzenden)", "(queued for sending)"),
    "email.failed": ("(verzenden mislukt)", "(sending failed)"),
    "email.attachment": ("bijlage", "attachment"),
    "email.dropped": ("niet bewaard", "not kept"),
    "email.sent": ("Antwoord in de wachtrij gezet.", "Reply queued."),
    "email.taken": ("Deze e-mail is nu van jou.", "This email is now yours."),
    "email.handed": ("Overgedragen aan {to}.", "Handed over to {to}."),
    "email.forgotten": (
        "Gemarkeerd om te wissen (database en mailbox).",
        "Marked for deletion (database and mailbox).",
    ),
    "email.forget.title": ("Deze e-mail niet bewaren?", "Don't keep this email?"),
    "email.forget.body": (
        "De afzender vroeg de e-mail niet te bewaren. De hele thread wordt gewist, ook uit de "
        "mailbox. Dit kan niet ongedaan gemaakt worden.",
        "The sender asked us not to keep their email. The whole thread is deleted, from the "
        "mailbox too. This cannot be undone.",
    ),
    "email.handover.title": ("E-mail overdragen", "Hand over email"),
    "email.handover.prompt": ("Gebruikersnaam van de collega", "Colleague's username"),
    "email.refused": ("Geweigerd: {reason}", "Refused: {reason}"),
    "email.too_long": (
        "Niet verzonden: het antwoord telt {chars} tekens, hoogstens {most} kan.",
        "Not sent: the reply has {chars} characters, at most {most} can go.",
    ),
    "email.unsendable": (
        "Niet verzonden: het antwoord bevat een teken dat niet verzonden kan worden (NUL).",
        "Not sent: the reply holds a character that cannot be sent (NUL).",
    ),
    "email.editor_failed": ("De editor kon niet starten: {reason}", "The editor failed: {reason}"),
    "email.editor_not_found": (
        "Editor '{name}' niet gevonden: stel $EDITOR in. Het concept is ongewijzigd.",
        "Editor '{name}' not found: set $EDITOR. The draft is unchanged.",
    ),
    "email.editor_unreadable": (
        "$EDITOR kan niet gelezen worden (een aanhalingsteken niet gesloten?). Het concept is "
        "ongewijzigd.",
        "$EDITOR cannot be read (an unclosed quote?). The draft is unchanged.",
    ),
    "email.editor_no_terminal": (
        "Deze terminal kan niet aan een editor gegeven worden. Het concept is ongewijzigd.",
        "This terminal cannot be handed to an editor. The draft is unchanged.",
    ),
    "email.editor_abandoned": (
        "De editor stopte met een fout (code {status}): het concept is ongewijzigd.",
        "The editor stopped with an error (code {status}): the draft is unchanged.",
    ),
    "email.editor_no_file": (
        "De editor liet geen tekst achter: het concept is ongewijzigd.",
        "The editor left no text: the draft is unchanged.",
    ),
    "email.editor_not_utf8": (
        "De tekst uit de editor was geen UTF-8: onleesbare tekens zijn vervangen door \ufffd.",
        "The editor's text was not UTF-8: unreadable characters were replaced by \ufffd.",
    ),
    "email.cut": (
        "… nog {more} tekens die hier niet getoond worden: F9 toont de hele thread in de pager.",
        "… {more} more characters not shown here: F9 shows the whole thread in the pager.",
    ),
    "email.pager_failed": ("De pager kon niet starten: {reason}", "The pager failed: {reason}"),
    "email.pager_not_found": (
        "Pager '{name}' niet gevonden: stel $PAGER in (bv. less).",
        "Pager '{name}' not found: set $PAGER (for example less).",
    ),
    "email.pager_unreadable": (
        "$PAGER kan niet gelezen worden (een aanhalingsteken niet gesloten?).",
        "$PAGER cannot be read (an unclosed quote?).",
    ),
    "email.pager_no_terminal": (
        "Deze terminal kan niet aan een pager gegeven worden.",
        "This terminal cannot be handed to a pager.",
    ),
    "email.composer": ("Antwoord (ctrl+s verzendt)", "Reply (ctrl+s sends)"),
    "key.email": ("E-mail", "Email"),
    "key.email_open": ("Openen", "Open"),
    "key.email_refresh": ("Vernieuwen", "Refresh"),
    "key.email_back": ("Terug", "Back"),
    "key.email_all": ("Ook beantwoord", "Answered too"),
    "key.quarantine": ("Quarantaine", "Quarantine"),
    "key.email_send": ("Verzenden", "Send"),
    "key.email_editor": ("Editor ($EDITOR)", "Editor ($EDITOR)"),
    "key.email_take": ("Nemen", "Take"),
    "key.email_handover": ("Overdragen", "Hand over"),
    "key.email_forget": ("Niet bewaren", "Don't keep"),
    "key.email_pager": ("Hele thread (pager)", "Whole thread (pager)"),
    "key.email_canned": ("Standaardantwoord", "Canned reply"),
    "key.email_claim": ("Claimcode", "Claim code"),
    "email.claim_inserted": (
        "Claimcode ({language}): bij verzenden komen hier de woorden, alleen in de verzonden "
        "mail; bewaard wordt enkel '[claimcode gegeven op ...]'. F7 opnieuw: andere taal.",
        "Claim code ({language}): the words go here when the reply is sent, only in the mail "
        "sent; only '[claim code given on ...]' is kept. F7 again: another language.",
    ),
    "language.nl": ("Nederlands", "Dutch"),
    "language.fr": ("Frans", "French"),
    "language.en": ("Engels", "English"),
    "quarantine.title": (
        "Quarantaine: e-mail die niet gelezen kon worden",
        "Quarantine: email that could not be read",
    ),
    "quarantine.empty": ("Niets in quarantaine.", "Nothing in quarantine."),
    "email.undelivered": ("(niet bezorgd)", "(not delivered)"),
    "email.other_sender": ("(andere afzender)", "(another sender)"),
    "email.automatic": (
        "(automatisch bericht, geen antwoordtermijn)",
        "(automatic mail, no clock)",
    ),
    "email.bounce": (
        "(melding van niet-bezorging; nooit beantwoorden)",
        "(delivery failure report; never answered)",
    ),
    "email.to": ("Antwoord gaat naar: {who}", "Reply goes to: {who}"),
    "email.to_chosen": (
        "Antwoord gaat naar: {who} (zelf gekozen; F4: volgende)",
        "Reply goes to: {who} (chosen; F4: next)",
    ),
    "email.nobody": ("Hier is niemand om te antwoorden.", "There is nobody to answer here."),
    "email.attention": ("Let op: {reason}", "Attention: {reason}"),
    "email.col.attention": ("opnieuw bekijken", "look again"),
    "key.email_recipient": ("Andere ontvanger", "Other recipient"),
    "mailbox.failing": (
        "Mailbox {team} werkt niet sinds {since}: {error}",
        "Mailbox {team} failing since {since}: {error}",
    ),
    "quarantine.col.date": ("Ontvangen", "Received"),
    "quarantine.col.reason": ("Reden", "Reason"),
    "quarantine.col.size": ("Grootte", "Size"),
    "quarantine.col.mailbox": ("Mailbox", "Mailbox"),
    "quarantine.preview": (
        "Begin van het bericht (als tekst, stuurtekens zichtbaar gemaakt):",
        "Start of the message (as text, control characters made visible):",
    ),
    # ----- why (helpline_core.mail.reasons): sizes come formatted ("2.0 MB") -----
    "mail.why.unknown": ("Reden onbekend (oudere melding).", "Reason unknown (an older record)."),
    # quarantine
    "mail.why.too_large": (
        "Te groot: {size}, de grens is {limit}.",
        "Too large: {size}, the limit is {limit}.",
    ),
    "mail.why.too_large_kept": (
        "Te groot: {size}, de grens is {limit}. Enkel het begin ({kept}) is hier bewaard; het "
        "hele bericht blijft in de mailbox (UID {uid}).",
        "Too large: {size}, the limit is {limit}. Only the start ({kept}) is kept here; the "
        "whole message stays in the mailbox (UID {uid}).",
    ),
    "mail.why.empty": ("Leeg bericht.", "Empty message."),
    "mail.why.header_too_large": (
        "De kopregels alleen zijn al te groot: {size}, de grens is {limit}.",
        "The header alone is too large: {size}, the limit is {limit}.",
    ),
    "mail.why.too_many_parts": (
        "{parts} delen (MIME), meer dan de {most} die gelezen worden.",
        "{parts} parts (MIME), more than the {most} that are read.",
    ),
    "mail.why.nested_too_deeply": (
        "Te veel delen in elkaar (MIME): niet te lezen.",
        "Parts nested too deeply (MIME): cannot be read.",
    ),
    "mail.why.no_headers": (
        "Geen kopregels: dit is geen e-mailbericht.",
        "No header fields: not an email message.",
    ),
    "mail.why.no_sender": (
        "Geen bruikbaar afzenderadres (Van).",
        "No usable sender address (From).",
    ),
    "mail.why.parser_error": (
        "Een fout in de software van de hulplijn bij het lezen, niet in de mail: meld het aan "
        "een beheerder.",
        "A fault in the helpline's software while reading, not in the mail: tell an administrator.",
    ),
    "mail.why.store_failed": (
        "Gelezen maar niet op te slaan: meld het aan een beheerder.",
        "Read but could not be stored: tell an administrator.",
    ),
    "mail.why.duplicate": (
        "Hetzelfde bericht is al bewaard.",
        "The same message is already stored.",
    ),
    # an attachment not kept (after "not kept: ")
    "mail.why.too_many_attachments": ("meer dan {limit} bijlagen", "more than {limit} attachments"),
    "mail.why.attachment_too_large": ("groter dan {limit}", "larger than {limit}"),
    # a reply not sent or not delivered (the reply, and the conversation's attention)
    "mail.why.smtp_refused": (
        "Antwoord niet verzonden: de mailserver weigerde het (code {status}).",
        "Reply not sent: the mail server refused it (code {status}).",
    ),
    "mail.why.recipient_refused": (
        "Antwoord niet verzonden: de mailserver weigerde het adres van de ontvanger (code "
        "{status}). Kijk het adres na.",
        "Reply not sent: the mail server refused the recipient's address (code {status}). "
        "Check the address.",
    ),
    "mail.why.smtp_login_refused": (
        "Antwoord niet verzonden: de mailserver weigerde onze aanmelding (code {status}); een "
        "beheerder moet de instellingen nakijken.",
        "Reply not sent: the mail server refused our login (code {status}); an administrator "
        "must check the settings.",
    ),
    "mail.why.smtp_password_missing": (
        "Antwoord niet verzonden: het wachtwoord voor de mailserver ontbreekt; meld het aan een "
        "beheerder.",
        "Reply not sent: the mail server's password is missing; tell an administrator.",
    ),
    "mail.why.smtp_unreachable": (
        "Antwoord niet verzonden: de mailserver was niet bereikbaar.",
        "Reply not sent: the mail server could not be reached.",
    ),
    "mail.why.no_smtp_server": (
        "Antwoord niet verzonden: voor dit team is geen mailserver ingesteld; meld het aan een "
        "beheerder.",
        "Reply not sent: this team has no mail server set up; tell an administrator.",
    ),
    "mail.why.team_not_configured": (
        "Antwoord niet verzonden: dit team is niet meer ingesteld; meld het aan een beheerder.",
        "Reply not sent: this team is no longer set up; tell an administrator.",
    ),
    "mail.why.cannot_build": (
        "Antwoord niet verzonden: het bericht kon niet opgemaakt worden; meld het aan een "
        "beheerder.",
        "Reply not sent: the message could not be built; tell an administrator.",
    ),
    "mail.why.connection_lost": (
        "Onzeker of het antwoord aankwam: de verbinding viel weg na het versturen.",
        "Delivery unknown: the connection was lost after the reply was sent.",
    ),
    "mail.why.delivery_unknown": (
        "Onzeker of het antwoord aankwam: het versturen werd onderbroken en het staat niet in "
        "de map Verzonden. Het wordt niet vanzelf opnieuw verstuurd, zodat het nooit twee keer "
        "vertrekt: vraag het na bij de afzender of verstuur het opnieuw.",
        "Delivery unknown: sending was interrupted and the reply is not in the Sent folder. It "
        "is not sent again by itself, so that it never goes twice: check with the sender or "
        "send it again.",
    ),
    "mail.why.delivery_unknown_no_sent_folder": (
        "Onzeker of het antwoord aankwam: het versturen werd onderbroken en er is geen map "
        "Verzonden om na te kijken. Het wordt niet vanzelf opnieuw verstuurd, zodat het nooit "
        "twee keer vertrekt: vraag het na bij de afzender of verstuur het opnieuw.",
        "Delivery unknown: sending was interrupted and there is no Sent folder to check. It is "
        "not sent again by itself, so that it never goes twice: check with the sender or send "
        "it again.",
    ),
    "mail.why.bounced": (
        "Antwoord niet bezorgd: de mailserver van de ontvanger stuurde het terug (status "
        "{status}).",
        "Reply not delivered: the recipient's mail server returned it (status {status}).",
    ),
    "mail.why.returned": (
        "Antwoord niet bezorgd: een mailserver stuurde het terug.",
        "Reply not delivered: a mail server returned it.",
    ),
    "mail.why.unmatched_bounce": (
        "Een teruggestuurde mail die bij geen van onze antwoorden past: kijk ze na; nooit "
        "beantwoorden.",
        "A returned mail that matches none of our replies: check it; never answer it.",
    ),
    "mail.why.sent_copy_failed": (
        "Verzonden; de kopie in de map Verzonden mislukte.",
        "Sent; the copy to the Sent folder failed.",
    ),
    "mail.why.recovered_sent": (
        "Verzonden (teruggevonden in de map Verzonden).",
        "Sent (found in the Sent folder).",
    ),
    # a mailbox failing (after "Mailbox ... failing since ...: ")
    "mail.why.login_refused": (
        "aanmelden geweigerd: kijk het wachtwoord van de mailbox na (fout of verlopen?)",
        "login refused: check the mailbox password (wrong or expired?)",
    ),
    "mail.why.password_missing": (
        "het wachtwoord van de mailbox is niet ingesteld of niet leesbaar",
        "the mailbox password is not set or cannot be read",
    ),
    "mail.why.unreachable": ("mailserver niet bereikbaar", "mail server not reachable"),
    "mail.why.connection_closed": (
        "de mailserver verbrak de verbinding",
        "the mail server closed the connection",
    ),
    "mail.why.timeout": (
        "de mailserver antwoordde niet op tijd",
        "the mail server did not answer in time",
    ),
    "mail.why.command_failed": (
        "de mailserver weigerde een opdracht",
        "the mail server refused a command",
    ),
    "mail.why.failed": (
        "onverwachte fout; een beheerder vindt meer in het logboek",
        "unexpected error; an administrator finds more in the log",
    ),
}
SIZE_PARAMS = frozenset({"size", "limit", "kept"})  # bytes: shown as "2.0 MB"

HOUR_LETTER = {"nl": "u", "en": "h"}


def et(key: str, **values: object) -> str:
    """The email view's text for `key` in the console's language."""
    pair = _STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if current_language() == "en" else pair[0]
    return text.format(**values) if values else text


def span(seconds: int) -> str:
    """A short duration: "1d 4u", "3u", "25m" (hours as "h" in English)."""
    hour = HOUR_LETTER.get(current_language(), "u")
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days}d {hours}{hour}" if hours else f"{days}d"
    if hours:
        return f"{hours}{hour}"
    return f"{max(rest // 60, 1)}m"


def time_left(seconds: int | None) -> str:
    """ "3u over" when overdue, "nog 1d 4u" otherwise; "beantwoord" without a running clock."""
    if seconds is None:
        return et("email.answered")
    if seconds < 0:
        return et("email.over", span=span(seconds))
    return et("email.left", span=span(seconds))


def why(reason: MailReason | None) -> str:
    """A reason from the relay in the console's words, its parameters filled in; a code this
    console does not know (a newer relay), missing parameters, or an older record's English
    ("unknown") are the generic sentence: never the code or the stored words."""
    code = reason.code if reason is not None else "unknown"
    params = reason.params if reason is not None else {}
    if f"mail.why.{code}" not in _STRINGS or not _placeholders(code) <= set(params):
        code = "unknown"
    values = {
        name: size(value) if name in SIZE_PARAMS and isinstance(value, int) else str(value)
        for name, value in params.items()
    }
    return et(f"mail.why.{code}", **values)


def _placeholders(code: str) -> set[str]:
    return {
        name
        for pair in _STRINGS[f"mail.why.{code}"]
        for _, name, _, _ in string.Formatter().parse(pair)
        if name
    }


def size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n / (1024 * 1024):.1f} MB"
