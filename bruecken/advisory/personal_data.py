"""What advisory holds about a person (bruecken/personal_data.py): the advice they gave as
advisor or recorded, and names in the agreed next steps (which may name people)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bruecken.personal_data import section

from .models import Advice

FIELDS = [
    "organisation",
    "kind",
    "event",
    "topic",
    "advisor",
    "given_on",
    "next_steps",
    "follow_up_on",
    "follow_up_done_at",
    "recorded_at",
]


def collect_advice(person, user):
    if user is None:
        return None
    advice = (
        Advice.objects.filter(Q(advisor=user) | Q(recorded_by=user))
        .select_related("organisation", "event", "advisor")
        .order_by("given_on", "pk")
    )
    return section("advice", _("Advice you gave or recorded"), advice, FIELDS)


def erase_advice(erasure):
    """The advice stays (it is the organisation's), still linked to the erased account, which
    is named by the pseudonym from now on; the person's name, address and number are replaced
    by the pseudonym wherever the topic or the agreed next steps mention them."""
    changed = []
    for advice in Advice.objects.filter(erasure.found_in("topic", "next_steps")).only(
        "pk", "topic", "next_steps"
    ):
        advice.topic = erasure.scrub(advice.topic)[:200]
        advice.next_steps = erasure.scrub(advice.next_steps)
        changed.append(advice)
    Advice.objects.bulk_update(changed, ["topic", "next_steps"])
    return {"advice_texts": len(changed)}


HELD = [
    (
        "advice",
        _("Advice naming an advisor"),
        lambda: Advice.objects.filter(advisor__isnull=False),
        "given_on",
    )
]
