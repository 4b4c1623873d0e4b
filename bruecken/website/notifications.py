"""The e-mail that tells the program office of a message from the contact or feedback form.

Queued when the message is committed and sent by the worker, like the events' e-mails (see
`bruecken.events.emails`): to CONTACT_EMAIL when that is set, else to every active account of the
program office, each in its own language. Replies go straight to the sender."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from bruecken.accounts.models import Role, User
from bruecken.mail import send_each, templated_email


def message_received(message):
    transaction.on_commit(lambda: send_message_received.enqueue(message.pk))


def recipients():
    """(address, language) of everyone to tell."""
    if settings.CONTACT_EMAIL:
        return [(settings.CONTACT_EMAIL, settings.LANGUAGE_CODE)]
    users = (
        User.objects.filter(is_active=True, roles__role=Role.PROGRAM_OFFICE)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return [(user.email, user.language) for user in users]


def build_messages(contact_message):
    messages = []
    for address, language in recipients():
        with translation.override(language):
            context = {
                "message": contact_message,
                "inbox_url": settings.SITE_URL + reverse("website:editorial_messages"),
            }
            messages.append(
                templated_email(
                    "website/email/message_received",
                    context,
                    address,
                    reply_to=[contact_message.email],
                )
            )
    return messages


@task()
def send_message_received(message_id):
    """Send the e-mails about one message; none when it is gone (deleted in the meantime).
    Returns how many were sent."""
    from .models import ContactMessage

    contact_message = ContactMessage.objects.filter(pk=message_id).first()
    if contact_message is None:
        return 0
    return send_each(build_messages(contact_message), f"message {message_id}")
