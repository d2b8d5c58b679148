"""Privacy (GDPR): consent records, data-subject export, erasure and retention."""
