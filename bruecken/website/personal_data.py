"""What the website holds about a person (bruecken/personal_data.py): the messages they sent
through the contact and feedback forms, found by their e-mail addresses."""

from django.utils.translation import gettext_lazy as _

from bruecken.personal_data import by_address, section

from .models import ContactMessage


def collect_messages(person, user):
    found = by_address("email", person, user)
    if found is None:
        return None
    messages = ContactMessage.objects.filter(found).order_by("received_at", "pk")
    return section(
        "messages",
        _("Messages you sent"),
        messages,
        ["kind", "received_at", "name", "email", "subject", "message", "page_url", "handled_at"],
    )


def erase_messages(erasure):
    """Messages the person sent through the contact forms are deleted: they are their words."""
    return {"contact_messages": ContactMessage.objects.filter(email__in=erasure.emails).delete()[0]}


HELD = [
    (
        "contact_messages",
        _("Contact messages"),
        lambda: ContactMessage.objects.all(),
        "received_at",
    ),
]
