"""What `remove_messages` reports as removed is what the server expunged (E3, R6: the deletion's
audit event and the purge report count messages gone, not messages asked for)."""

from __future__ import annotations

from helpline_core.mail.expunge import Going, remove_messages
from helpline_core.mail.imap import uidvalidity_of
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox


async def test_a_message_another_client_removed_first_is_not_counted(mailbox: Mailbox) -> None:
    await mailbox.deliver(
        mail_corpus.simple("<first@visitor.example>", subject="een"),
        mail_corpus.simple("<second@visitor.example>", subject="twee"),
        mail_corpus.simple("<third@visitor.example>", subject="drie"),
    )
    first, second, third = await mailbox.server.uids(mailbox.folder)
    # A person in a mail client removes the second message before the purge runs.
    other = await mailbox.server.client()
    try:
        await other.select(mailbox.folder)
        await other.uid("store", str(second), "+FLAGS.SILENT", "(\\Deleted)")
        await other.expunge()
    finally:
        await other.logout()
    client = await mailbox.server.client()
    try:
        validity = uidvalidity_of((await client.select(mailbox.folder)).lines)
        going = [Going(f"<{name}@visitor.example>", None, validity, uid)
                 for name, uid in (("first", first), ("second", second))]  # fmt: skip
        removal = await remove_messages(client, mailbox.folder, going)
    finally:
        await client.logout()
    assert (removal.removed, removal.left) == (1, 0)
    assert await mailbox.server.message_ids(mailbox.folder) == ["<third@visitor.example>"]
    assert await mailbox.server.uids(mailbox.folder) == [third]
