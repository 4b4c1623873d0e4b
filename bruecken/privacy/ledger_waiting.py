"""What waits for the program office on its home page (bruecken/waiting.py): erasure requests
that are pending, and those past their one-month deadline."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from bruecken.accounts import roles
from bruecken.waiting import Item

from .models import ErasureRequest


def waiting_for(user, now):
    if not roles.is_program_office(user):
        return []
    today = timezone.localdate(now)
    counts = ErasureRequest.objects.pending().aggregate(
        pending=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    url = reverse("privacy:ledger") + "#pending-heading"
    overdue = counts["overdue"]
    due = counts["pending"] - overdue
    return [
        Item(
            ngettext(
                "%(count)s erasure request is overdue",
                "%(count)s erasure requests are overdue",
                overdue,
            )
            % {"count": overdue},
            url,
            overdue,
            "action",
        ),
        Item(
            ngettext(
                "%(count)s erasure request waits to be carried out",
                "%(count)s erasure requests wait to be carried out",
                due,
            )
            % {"count": due},
            url,
            due,
            "action",
        ),
    ]
