"""What waits for a user here (bruecken/waiting.py): follow-ups due ("Nachfassen fällig") for
the advisor who agreed them and for the coordinator of the organisation's municipality."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from bruecken.accounts import roles
from bruecken.waiting import Item

from .models import Advice


def waiting_for(user, now):
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    condition = Q(advisor=user)
    coordinated = roles.coordinated_municipality_ids(user)
    if coordinated:
        condition |= Q(organisation__municipality_id__in=coordinated)
    due = Advice.objects.follow_up_due(timezone.localdate(now)).filter(condition).count()
    return [
        Item(
            ngettext(
                "%(count)s follow-up of advice is due.",
                "%(count)s follow-ups of advice are due.",
                due,
            )
            % {"count": due},
            f"{reverse('advisory:overview')}?follow_up=due",
            due,
            kind="warning",
        )
    ]
