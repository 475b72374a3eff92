"""Alembic revisions. Their order is the `down_revision` chain, not the file numbers: parts built
in parallel took numbers ahead, and were chained as they were merged:
0001, 0002, 0003, 0004, 0005 (registration), 0013 (exports), 0012 (figures), 0011 (case files),
0010 (retention), 0009 (security), 0007 (email replies), 0014 (data-subject rights),
0015 (rights retention, claim codes by email), 0016 (a case file's reopen reason),
0017 (a pending mailbox deletion's sender).
A new revision follows the head that `helpline db status` names."""
