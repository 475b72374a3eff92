"""Retention (DESIGN C5, E3, F4, C7, R1-R7, S1): one place for every data class's limit and
deletion.

`rules` says what has expired at a moment; `plan` counts it; the class modules (`chats`,
`emails`, `cases`, `blocks`, `requests`, `complaints`, `exports`, `audit_log`) delete it in
short batches; `mailbox` removes what the IMAP mailboxes still hold; `run` ties them together
under `lock`. The mail worker, `helpline mail sync` and `helpline purge` all go through here.
"""
