"""The texts every prepared answer carries (refusal, export cover letter), in the subject's
language (nl, fr, en), naming the supervisory authorities from `[rights] authorities` (R7)."""

from __future__ import annotations

from helpline_core.config import Settings

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your data at the helpline",
        "cover": "You asked for a copy of the data we keep about you. This file holds all of it "
        "on the day it was made. Counsellors are named by their role and team.",
        "refusal": "We cannot grant your request, for this reason:",
        "complain": "If you disagree, you can lodge a complaint with us, and with the "
        "supervisory authorities:",
        "contacts": "Your contacts", "case_files": "Your case file", "requests": "Your requests",
        "complaints": "Your complaints", "removed": "Removed on {date} under the retention rule.",
        "own_mail_only": "Your own emails in a conversation that belongs to someone else: only "
        "your messages are shown.",
        "notes": "Notes", "assessments": "Assessments", "statement": "Your statement",
        "referrals": "Referrals", "consents": "Consents", "disclosures": "Disclosures",
        "withdrawn": "withdrawn", "registration": "Registration", "attachments": "Attachments",
        "none": "None.", "from_visitor": "you", "from_you": "you",
        "from_counsellor": "counsellor", "from_helpline": "the helpline", "from_system": "system",
        "from_other": "someone else", "nickname": "Your nickname",
        "intake": "Your answers at the start", "age": "age", "subject": "Subject",
        "to": "to", "reply_to": "replies to",
        "draft": "not finalised", "final": "finalised", "forms": "Forms of violence and themes",
        "victims": "(Possible) victims", "given_referrals": "Referred to",
        "duration": "{minutes} min",
        "unread_mail": "Emails we could not read",
        "unread_mail_note": "These emails could not be read automatically and were set aside "
        "unchanged; each is shown as it arrived.",
        "channel_chat": "chat",
        "channel_email": "email",
        "channel_phone": "phone call",
        "case_open": "open",
        "case_closed": "closed",
        "request_access": "access to your data",
        "request_portability": "a copy of your data to take along",
        "request_rectify": "correction",
        "request_object": "objection",
        "request_restrict": "restriction of processing",
        "request_withdraw_consent": "withdrawal of consent",
        "request_erasure": "erasure",
        "status_received": "received",
        "status_verified": "identity checked",
        "status_granted": "granted",
        "status_refused": "refused",
        "status_done": "done",
        "complaint_open": "being handled",
        "complaint_resolved": "resolved",
        "resolution": "How it was resolved",
    },
    "nl": {
        "title": "Uw gegevens bij de hulplijn",
        "cover": "U vroeg een kopie van de gegevens die we over u bewaren. Dit bestand bevat ze "
        "allemaal op de dag dat het gemaakt werd. Hulpverleners staan er met hun rol en team.",
        "refusal": "We kunnen uw verzoek niet inwilligen, om deze reden:",
        "complain": "Bent u het niet eens, dan kunt u bij ons klacht indienen, en bij de "
        "toezichthouders:",
        "contacts": "Uw contacten", "case_files": "Uw dossier", "requests": "Uw verzoeken",
        "complaints": "Uw klachten", "removed": "Verwijderd op {date} volgens de bewaartermijn.",
        "own_mail_only": "Uw eigen e-mails in een gesprek van iemand anders: alleen uw berichten "
        "staan hier.",
        "notes": "Notities", "assessments": "Inschattingen", "statement": "Uw verklaring",
        "referrals": "Doorverwijzingen", "consents": "Toestemmingen",
        "disclosures": "Verstrekkingen", "withdrawn": "ingetrokken",
        "registration": "Registratie", "attachments": "Bijlagen", "none": "Geen.",
        "from_visitor": "u", "from_you": "u",
        "from_counsellor": "hulpverlener", "from_helpline": "de hulplijn", "from_system": "systeem",
        "from_other": "iemand anders", "nickname": "Uw schuilnaam",
        "intake": "Uw antwoorden bij de start", "age": "leeftijd", "subject": "Onderwerp",
        "to": "aan", "reply_to": "antwoord naar",
        "draft": "niet afgewerkt", "final": "afgewerkt", "forms": "Vormen van geweld en thema's",
        "victims": "(Mogelijke) slachtoffers", "given_referrals": "Doorverwezen naar",
        "duration": "{minutes} min",
        "unread_mail": "E-mails die we niet konden lezen",
        "unread_mail_note": "Deze e-mails konden niet automatisch gelezen worden en werden "
        "ongewijzigd apart gezet; elk staat hier zoals het toekwam.",
        "channel_chat": "chat",
        "channel_email": "e-mail",
        "channel_phone": "telefoongesprek",
        "case_open": "open",
        "case_closed": "afgesloten",
        "request_access": "inzage in uw gegevens",
        "request_portability": "een kopie van uw gegevens om mee te nemen",
        "request_rectify": "verbetering",
        "request_object": "bezwaar",
        "request_restrict": "beperking van de verwerking",
        "request_withdraw_consent": "intrekking van toestemming",
        "request_erasure": "wissing",
        "status_received": "ontvangen",
        "status_verified": "identiteit nagegaan",
        "status_granted": "ingewilligd",
        "status_refused": "geweigerd",
        "status_done": "afgehandeld",
        "complaint_open": "in behandeling",
        "complaint_resolved": "afgehandeld",
        "resolution": "Hoe het werd opgelost",
    },
    "fr": {
        "title": "Vos données auprès de la ligne d'aide",
        "cover": "Vous avez demandé une copie des données que nous conservons à votre sujet. Ce "
        "fichier les contient toutes au jour de sa création. Les intervenants y figurent par "
        "leur rôle et leur équipe.",
        "refusal": "Nous ne pouvons pas donner suite à votre demande, pour cette raison :",
        "complain": "Si vous n'êtes pas d'accord, vous pouvez introduire une plainte auprès de "
        "nous, et auprès des autorités de contrôle :",
        "contacts": "Vos contacts", "case_files": "Votre dossier", "requests": "Vos demandes",
        "complaints": "Vos plaintes",
        "removed": "Supprimé le {date} selon le délai de conservation.",
        "own_mail_only": "Vos propres e-mails dans une conversation qui appartient à quelqu'un "
        "d'autre : seuls vos messages figurent ici.",
        "notes": "Notes", "assessments": "Évaluations", "statement": "Votre déclaration",
        "referrals": "Orientations", "consents": "Consentements",
        "disclosures": "Communications", "withdrawn": "retiré",
        "registration": "Enregistrement", "attachments": "Pièces jointes", "none": "Aucun.",
        "from_visitor": "vous", "from_you": "vous",
        "from_counsellor": "intervenant", "from_helpline": "la ligne d'aide",
        "from_system": "système",
        "from_other": "quelqu'un d'autre", "nickname": "Votre pseudonyme",
        "intake": "Vos réponses au début", "age": "âge", "subject": "Objet", "to": "à",
        "reply_to": "réponses à", "draft": "non finalisé", "final": "finalisé",
        "forms": "Formes de violence et thèmes", "victims": "Victimes (possibles)",
        "given_referrals": "Orienté vers", "duration": "{minutes} min",
        "unread_mail": "E-mails que nous n'avons pas pu lire",
        "unread_mail_note": "Ces e-mails n'ont pas pu être lus automatiquement et ont été mis "
        "de côté tels quels ; chacun figure ici tel qu'il est arrivé.",
        "channel_chat": "chat",
        "channel_email": "e-mail",
        "channel_phone": "appel téléphonique",
        "case_open": "ouvert",
        "case_closed": "clôturé",
        "request_access": "accès à vos données",
        "request_portability": "une copie de vos données à emporter",
        "request_rectify": "rectification",
        "request_object": "opposition",
        "request_restrict": "limitation du traitement",
        "request_withdraw_consent": "retrait du consentement",
        "request_erasure": "effacement",
        "status_received": "reçue",
        "status_verified": "identité vérifiée",
        "status_granted": "accordée",
        "status_refused": "refusée",
        "status_done": "traitée",
        "complaint_open": "en cours de traitement",
        "complaint_resolved": "traitée",
        "resolution": "Comment elle a été traitée",
    },
}  # fmt: skip


def authorities(settings: Settings) -> list[str]:
    """One line per supervisory authority: name, address, phone, email."""
    return [f"{a.name}, {a.address}, {a.phone}, {a.email}" for a in settings.rights.authorities]


def refusal_letter(settings: Settings, language: str, reason: str) -> str:
    """The text of a refusal: the reason, then where to complain (plain text)."""
    labels = LABELS.get(language, LABELS["nl"])
    lines = [labels["refusal"], reason, "", labels["complain"], *authorities(settings)]
    return "\n".join(lines) + "\n"
