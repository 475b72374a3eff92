"""The email view's words (Dutch default, English) and its small formatters (time left, sizes).

Kept beside i18n.py rather than in it so the email view can grow without touching the chat's
dictionary; it follows the console's language (`i18n.current_language`)."""

from __future__ import annotations

from typing import Final

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
}

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


def size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n / (1024 * 1024):.1f} MB"
