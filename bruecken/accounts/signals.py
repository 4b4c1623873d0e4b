"""What accounts tells the apps above it (which it may not import)."""

from django.dispatch import Signal

# Sent inside the transaction that accepts an invitation, with `invitation` and `user` (the
# account that accepted it): the actors app links the account to its person in the registry.
invitation_accepted = Signal()
