"""What waits for a user on the website (bruecken/waiting.py): messages from the contact and
accessibility feedback forms not yet handled, for the program office who reads them."""

from django.urls import reverse
from django.utils.translation import ngettext

from bruecken.waiting import Item

from .models import ContactMessage


def waiting_for(user, now):
    if not user.has_perm("website.edit_website"):
        return []
    count = ContactMessage.objects.filter(handled_at__isnull=True).count()
    return [
        Item(
            ngettext(
                "%(count)s message from the website's forms waits to be handled.",
                "%(count)s messages from the website's forms wait to be handled.",
                count,
            )
            % {"count": count},
            reverse("website:editorial_messages"),
            count,
        )
    ]
