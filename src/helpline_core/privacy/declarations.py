"""The code's own declarations of what it processes, as typed data (GDPR article 30(1)).

Each `Activity` names the modules that do the processing, so a reader can check the record
against the code; retention is a function of the settings, so the record shows the periods as
configured, never a copy that could drift. The texts follow the policy
(shared/seed/1712-terms-and-privacy.txt) and DESIGN.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from helpline_core.config import Settings

VISITORS = "visitors: victims, perpetrators and bystanders of violence, minors and adults"
THIRD = "people the visitor writes about (third parties)"
COUNSELLORS = "counsellors, team leads and administrators"
COLLEAGUES = "counsellors of the helpline, under shared professional secrecy"


@dataclass(frozen=True)
class Activity:
    """One processing activity: a row of the record (article 30(1)(b)-(f)).

    `retention` turns the settings into the period as configured; `keys` names the settings
    it reads, `code` the modules that carry the activity out.
    """

    name: str
    purpose: str
    legal_basis: str
    data_subjects: tuple[str, ...]
    data: tuple[str, ...]
    recipients: tuple[str, ...]
    retention: Callable[[Settings], str]
    keys: tuple[str, ...]
    code: tuple[str, ...]


def _chat(settings: Settings) -> str:
    return f"{settings.retention.chat_months} months after the chat ends"


def _email(settings: Settings) -> str:
    return (
        f"{settings.retention.email_months} months after receipt, in the database and in the "
        "team's IMAP mailbox"
    )


def _cases(settings: Settings) -> str:
    r = settings.retention
    return (
        f"{r.case_years} years after closing (closed on or after {r.case_cutoff}); "
        f"{r.case_years_before_cutoff} years if closed before; open files and legal holds kept"
    )


def _blocks(settings: Settings) -> str:
    return f"{settings.retention.block_days_after_expiry} days after the block expires or is lifted"


def _rights(settings: Settings) -> str:
    r = settings.retention
    return (
        f"requests {r.request_years} years after done or refused, complaints "
        f"{r.complaint_years} years after resolved; open ones and legal holds kept"
    )


def _figures(settings: Settings) -> str:
    return (
        "kept: anonymised aggregate figures are not personal data "
        f"(cells below {settings.report.min_cell} suppressed)"
    )


def _exports(settings: Settings) -> str:
    return f"{settings.exports.keep_days} days after the export is written"


def _audit(settings: Settings) -> str:
    return f"{settings.retention.audit_years} years (an anchor keeps the chain verifiable)"


def _resume(settings: Settings) -> str:
    return (
        f"{settings.relay.resume_minutes} minutes after the visitor drops; void when the chat ends"
    )


ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        name="Chat conversations",
        purpose="Listen, inform, advise and refer people with a question about violence, abuse "
        "or child abuse, by chat.",
        legal_basis="GDPR 6(1)(e) and 9(2)(h): task in the public interest, social care",
        data_subjects=(VISITORS, THIRD),
        data=(
            "nickname (no name needed)",
            "messages",
            "intake answers, all optional: age, region, sex",
            "keyed hash of the IP address (never the address)",
            "keyed hash of the resume cookie",
        ),
        recipients=(COLLEAGUES,),
        retention=_chat,
        keys=("retention.chat_months",),
        code=("relay/server.py", "helpline_core/services/chats.py"),
    ),
    Activity(
        name="Resume cookie",
        purpose="Keep a dropped chat open so the visitor returns to the same counsellor.",
        legal_basis="ePrivacy 5(3): strictly necessary for the service asked for",
        data_subjects=(VISITORS,),
        data=("one random token (256 bits), HttpOnly, SameSite=Strict",),
        recipients=("nobody: only the relay compares its keyed hash",),
        retention=_resume,
        keys=("relay.resume_minutes",),
        code=("relay/cookies.py",),
    ),
    Activity(
        name="Emails",
        purpose="Answer questions sent by email, and help better if the sender writes again.",
        legal_basis="GDPR 6(1)(e) and 9(2)(h): task in the public interest, social care",
        data_subjects=(VISITORS, THIRD),
        data=("sender address", "subject, text and attachments", "replies sent"),
        recipients=(COLLEAGUES,),
        retention=_email,
        keys=("retention.email_months",),
        code=("helpline_core/mail/", "helpline_core/services/mail.py"),
    ),
    Activity(
        name="Contact registrations and case files",
        purpose="Record each contact for continuity of help and for the figures; keep the "
        "electronic file.",
        legal_basis="GDPR 6(1)(c) and (e), 9(2)(h): legal duty to keep care files",
        data_subjects=(VISITORS, THIRD),
        data=(
            "codes: form of violence, contact type, role, age band, sex, region, relation, "
            "referral",
            "case file notes written by counsellors",
        ),
        recipients=(
            COLLEAGUES,
            "the Flemish Health Care Inspectorate (Zorginspectie) on demand: anonymised unless "
            "an individual complaint",
            "third parties only with the visitor's permission; public prosecutor or police only "
            "when someone is in real danger",
        ),
        retention=_cases,
        keys=(
            "retention.case_years",
            "retention.case_years_before_cutoff",
            "retention.case_cutoff",
        ),
        code=(
            "helpline_core/services/registrations.py",
            "helpline_core/services/cases/",
            "helpline_core/services/inspection.py",
        ),
    ),
    Activity(
        name="Blocks",
        purpose="Block (temporarily) someone who misuses the service (terms of use).",
        legal_basis="GDPR 6(1)(f): protecting the service and its counsellors",
        data_subjects=(VISITORS,),
        data=("keyed hash of the IP address or session", "reason, who blocked, until when"),
        recipients=(COLLEAGUES,),
        retention=_blocks,
        keys=("retention.block_days_after_expiry",),
        code=("helpline_core/services/blocks.py",),
    ),
    Activity(
        name="Data-subject requests and complaints",
        purpose="Answer the rights the policy grants (access, copy, portability, rectification, "
        "objection, withdrawal of consent, erasure) and register complaints, and account for "
        "them.",
        legal_basis="GDPR 6(1)(c), 12, 15-21 and 5(2): legal obligation and accountability",
        data_subjects=(VISITORS,),
        data=(
            "kind, dates, status history, who verified and how (never the proof)",
            "the address a request came from, or the case file or claimed conversation",
            "claim codes as argon2 hashes only",
            "complaint summary and resolution",
        ),
        recipients=(COLLEAGUES, "the data subject", "the supervisory authorities on a complaint"),
        retention=_rights,
        keys=("retention.request_years", "retention.complaint_years"),
        code=("helpline_core/services/rights/", "helpline_core/services/retention/requests.py"),
    ),
    Activity(
        name="Government figures",
        purpose="Provide anonymised figures to the Flemish government (legal duty).",
        legal_basis="GDPR 6(1)(c): legal obligation; no personal data leaves",
        data_subjects=(VISITORS,),
        data=("counts per month of registration codes, with small cells suppressed",),
        recipients=("the Flemish government",),
        retention=_figures,
        keys=("report.min_cell",),
        code=("helpline_core/services/reports/",),
    ),
    Activity(
        name="Exports (training, inspection, rights)",
        purpose="Anonymised texts for internal training and inspection; copies for data "
        "subjects who ask.",
        legal_basis="GDPR 6(1)(e), 15 and 20",
        data_subjects=(VISITORS, THIRD),
        data=("anonymised conversation texts", "a data subject's own data (rights)"),
        recipients=(COLLEAGUES, "the Inspectorate", "the data subject"),
        retention=_exports,
        keys=("exports.keep_days",),
        code=("helpline_core/anonymise/", "helpline_core/services/exports.py"),
    ),
    Activity(
        name="Counsellor accounts and audit log",
        purpose="Let only counsellors in, and record every read, export and deletion.",
        legal_basis="GDPR 6(1)(c) and 32: security of processing",
        data_subjects=(COUNSELLORS,),
        data=(
            "username, team, role, password hash, TOTP secret",
            "audit events: who, what, which ids and counts (never text)",
        ),
        recipients=("administrators",),
        retention=_audit,
        keys=("retention.audit_years",),
        code=("helpline_core/services/accounts.py", "helpline_core/services/audit.py"),
    ),
)

SECURITY: tuple[str, ...] = (
    "IP addresses and cookies are stored only as keyed hashes (HMAC-SHA256); the key lives "
    "outside the database",
    "one essential cookie only; the page loads nothing from another site (Content-Security-"
    "Policy default-src 'self'), sends no referrer and is not cached",
    "logs hold no address, cookie, nickname or message text",
    "counsellors log in with a password (and a TOTP second factor where the account has one); "
    "failed logins are limited",
    "every read of sensitive data, export and deletion is in a hash-chained audit log",
    "the retention purge deletes what its period says, daily, in the database and the mailbox",
    "training and inspection exports are anonymised; every export is a file only its owner "
    "can read, deleted by the purge after exports.keep_days",
)
