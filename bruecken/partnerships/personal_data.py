"""What introductions hold about a person (bruecken/personal_data.py): the address an
introduction's e-mail went to, when it is theirs (a representative's account, or an
organisation address that is a person's own), with the answer given through it."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bruecken.personal_data import by_address, section

from .models import IntroductionAnswer

ANSWER_FIELDS = ["organisation", "email", "language", "expires_at", "answer", "answered_at"]


def _answers(person, user):
    condition = by_address("email", person, user)
    if condition is None:
        return None
    return (
        IntroductionAnswer.objects.filter(condition)
        .select_related("organisation", "introduction__first", "introduction__second")
        .order_by("-expires_at", "-pk")
    )


def collect_introduction_answers(person, user):
    answers = _answers(person, user)
    if answers is None:
        return None
    return section(
        "introduction_answers",
        _("Introductions sent to your address"),
        answers,
        ANSWER_FIELDS,
        extra=[
            (
                "introduction",
                _("introduction"),
                lambda answer: str(answer.introduction),
            )
        ],
    )


def erase_introduction_answers(erasure):
    """The answer stays (it is the organisation's decision); the address goes, and with it
    any link still open for it."""
    if not erasure.emails:
        return 0
    return IntroductionAnswer.objects.filter(email__in=erasure.emails).update(email="")


def forget_answer_addresses(now=None):
    """Housekeeping (retention): the addresses of answers given or links expired more than
    RETENTION_INTRODUCTION_ADDRESS_DAYS ago are removed; the answers stay. Returns how many."""
    before = (now or timezone.now()) - timedelta(days=settings.RETENTION_INTRODUCTION_ADDRESS_DAYS)
    past = Q(answered_at__lt=before) | Q(answered_at__isnull=True, expires_at__lt=before)
    return IntroductionAnswer.objects.exclude(email="").filter(past).update(email="")


def held_addresses():
    """The answers that still hold an address (the privacy ledger counts them by age)."""
    return IntroductionAnswer.objects.exclude(email="")
