"""What actors announces to the apps above it (guide, reports, website) without importing them."""

from django.db import transaction
from django.dispatch import Signal

# Sent after the commit that removed an organisation's or a person's consent to publication
# (for a person also: to be shown as a member of organisations), or deleted or erased it.
# Receivers get `instance`: the Organisation or Person as it was (with its name and e-mail
# address: after a delete or an erasure a copy taken before, which keeps its pk but whose row
# is gone or anonymised), and `erased`: True when the person was erased or deleted, so that
# their name must leave even the program office's copies. Published outputs that name it are
# rebuilt without it (guide editions).
consent_withdrawn = Signal()


def announce_consent_withdrawn(instance, erased=False):
    """Send `consent_withdrawn` for `instance` once the current transaction commits (at once
    outside one), so receivers never act on a withdrawal that was rolled back. Pass a copy
    taken before an erasure anonymises the row."""
    transaction.on_commit(
        lambda: consent_withdrawn.send(sender=type(instance), instance=instance, erased=erased)
    )
