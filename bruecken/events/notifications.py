"""Which e-mail goes out when. The e-mails are sent by a background task after the transaction
commits, so a rolled-back change never notifies anyone."""

from django.db import transaction

from . import emails


def _enqueue(kind, **ids):
    transaction.on_commit(lambda: emails.send_notification.enqueue(kind, ids))


def registration_changed(registration):
    _enqueue(f"registration_{registration.status}", registration=registration.pk)


def invitation_sent(invitation):
    _enqueue("invitation", invitation=invitation.pk)


def invitation_reminder(invitation):
    _enqueue("invitation_reminder", invitation=invitation.pk)


def event_cancelled(event):
    """Everyone registered hears that the event is cancelled."""
    _enqueue("event_cancelled", event=event.pk)


def _stored(value):
    # The task's arguments are stored as JSON; the e-mail formats the instant for each reader.
    return value.isoformat() if hasattr(value, "isoformat") else value


def event_changed(event, changes):
    """Everyone registered hears of the new time or place; `changes` ({field: [old, new]})
    is what changed, for the e-mail to name."""
    stored = {name: [_stored(old), _stored(new)] for name, (old, new) in changes.items()}
    _enqueue("event_changed", event=event.pk, changes=stored)


def event_reminder(event):
    """The confirmed participants are reminded shortly before the event."""
    _enqueue("event_reminder", event=event.pk)
