"""What the home page shows the proposer of introductions (bruecken/waiting.py): the
introductions they proposed that were decided (accepted by both sides, or declined) in the last
RECENT_DAYS days (one query)."""

from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext

from bruecken.waiting import Item

from .models import Introduction, IntroductionStatus

# How long a decided introduction is news on the proposer's home page.
RECENT_DAYS = 14


def waiting_for(user, now):
    if not user.is_authenticated:
        return []
    counts = dict(
        Introduction.objects.filter(
            proposed_by=user,
            status__in=[IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED],
            decided_at__gte=now - timedelta(days=RECENT_DAYS),
        )
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    items = []
    url = reverse("partnerships:introduction_list")
    accepted = counts.get(IntroductionStatus.ACCEPTED, 0)
    declined = counts.get(IntroductionStatus.DECLINED, 0)
    if accepted:
        items.append(
            Item(
                ngettext(
                    "%(count)s introduction you proposed was accepted by both sides",
                    "%(count)s introductions you proposed were accepted by both sides",
                    accepted,
                )
                % {"count": accepted},
                f"{url}?status={IntroductionStatus.ACCEPTED}",
                accepted,
                kind="info",
            )
        )
    if declined:
        items.append(
            Item(
                ngettext(
                    "%(count)s introduction you proposed was declined",
                    "%(count)s introductions you proposed were declined",
                    declined,
                )
                % {"count": declined},
                f"{url}?status={IntroductionStatus.DECLINED}",
                declined,
                kind="info",
            )
        )
    return items
