"""Case files (DESIGN F1-F3, S1), one module per job: `access` (who sees a file, sharing),
`files` (open, find, link contacts, close, reopen, legal hold), `entries` (notes, assessments,
client statements, referrals), `consents` (consents and disclosures) and `timeline` (reading a
file and its linked transcripts). Every function takes an `Actor` and a keyword-only session."""

from helpline_core.services.cases import access, consents, entries, files, timeline

__all__ = ["access", "consents", "entries", "files", "timeline"]
