"""The advisory figures per municipality for the program dashboard and the guideline
(bruecken/figures.py): advice given, and follow-ups due (on or before today, not done)."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.figures import Figure

from .models import Advice


def per_municipality(municipality_ids, now):
    today = timezone.localdate(now)
    rows = (
        Advice.objects.filter(organisation__municipality_id__in=municipality_ids)
        .order_by()
        .values("organisation__municipality_id")
        .annotate(
            total=Count("pk"),
            due=Count(
                "pk",
                filter=Q(
                    follow_up_on__isnull=False,
                    follow_up_on__lte=today,
                    follow_up_done_at__isnull=True,
                ),
            ),
        )
    )
    counts = {row["organisation__municipality_id"]: row for row in rows}
    found = {}
    for municipality_id in municipality_ids:
        row = counts.get(municipality_id, {})
        found[municipality_id] = [
            Figure("advice_given", _("Advice given"), row.get("total", 0)),
            Figure("advice_follow_ups_due", _("Follow-ups due"), row.get("due", 0)),
        ]
    return found
