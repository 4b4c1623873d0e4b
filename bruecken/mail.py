"""Sending a batch of e-mails from a background task (the events' notifications, the notices of
contact messages)."""

import logging

from django.core.mail import get_connection

logger = logging.getLogger(__name__)


class NotSent(Exception):
    """Some e-mails of a batch could not be handed to the mail server."""


def send_each(messages, what):
    """Send each e-mail on its own over one connection: one refused address does not keep the
    others from theirs. `what` names the batch in the log and in `NotSent`, raised when any
    failed. Returns how many were sent."""
    if not messages:
        return 0
    failed = 0
    with get_connection() as connection:
        for number, message in enumerate(messages, start=1):
            message.connection = connection
            try:
                message.send()
            except Exception:
                logger.exception("Could not send %s (e-mail %s of %s)", what, number, len(messages))
                failed += 1
    if failed:
        raise NotSent(f"{what}: {failed} of {len(messages)} e-mails not sent")
    return len(messages)
