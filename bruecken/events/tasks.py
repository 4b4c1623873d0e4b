import logging

from django.core.mail import get_connection
from django_tasks import task

logger = logging.getLogger(__name__)


class NotSent(Exception):
    """Some e-mails of a notification could not be handed to the mail server."""


@task()
def send_notification(kind, ids):
    """Send the e-mails of one notification; `ids` names the registration, invitation or event it
    is about. Each recipient's e-mail is sent on its own: one refused address does not keep the
    others from theirs. Returns how many were sent."""
    from .emails import build_messages

    messages = build_messages(kind, ids)
    if not messages:
        return 0
    failed = 0
    with get_connection() as connection:
        for number, message in enumerate(messages, start=1):
            message.connection = connection
            try:
                message.send()
            except Exception:
                logger.exception(
                    "Could not send %s %s (e-mail %s of %s)", kind, ids, number, len(messages)
                )
                failed += 1
    if failed:
        raise NotSent(f"{kind} {ids}: {failed} of {len(messages)} e-mails not sent")
    return len(messages)
