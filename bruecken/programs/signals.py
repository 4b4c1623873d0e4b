"""What programs tells the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the transaction that starts a local process, with `process` and `user` (who
# started it): events creates the process's workshops from its template's steps.
process_started = Signal()
