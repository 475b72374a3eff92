"""The email channel: parsing, IMAP ingestion, the outbox and SMTP sending, deletion (E1-E4)."""
