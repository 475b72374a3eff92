"""Data-subject rights (GDPR art. 15-21, DESIGN R1-R7): the register of requests with their
deadlines and history, identity verification, exports, rectification, restriction, withdrawal
of consent, erasure through the retention purge's own code, and the complaints register."""
