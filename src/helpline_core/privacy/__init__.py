"""What the software says about its own processing: the record of processing (GDPR art. 30)."""
