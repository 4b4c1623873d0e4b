"""Recording, changing and following up advice, and the reminders of follow-ups due. Every
change checks its rule (rules.py), runs in a transaction and leaves its audit entry; the
reminder e-mail is queued after the commit."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.permissions import require

from . import emails
from .models import Advice, AdviceKind, advisor_choices, advisory_seminars

# What the audit records of an advice (reminded_at is the housekeeping's, not a change). The
# entries are not filed under the organisation: its history is read by staff (facilitators)
# who may not see the advice.
ADVICE_FIELDS = [
    "organisation",
    "kind",
    "event",
    "topic",
    "topics",
    "advisor",
    "given_on",
    "next_steps",
    "follow_up_on",
    "follow_up_done_at",
]
EDITABLE = [
    "kind",
    "event",
    "topic",
    "advisor",
    "given_on",
    "next_steps",
    "follow_up_on",
]


def _check_choices(user, advice, values, before):
    """Ids that a form already limits are checked again here, for callers without a form: the
    seminar must be one the user sees, the advisor one they may name (an advisor already named
    stays valid)."""
    event = values.get("event")
    if (
        event is not None
        and event.pk != before.get("event")
        and not advisory_seminars(user).filter(pk=event.pk).exists()
    ):
        raise ValidationError({"event": _("Choose an advisory seminar.")})
    advisor = values.get("advisor")
    if (
        advisor is not None
        and advisor.pk != before.get("advisor")
        and not advisor_choices(user).filter(pk=advisor.pk).exists()
    ):
        raise ValidationError({"advisor": _("Choose a member of staff as advisor.")})


def _save(user, advice, values, before):
    _check_choices(user, advice, values, before)
    with audit.changes(user, advice, ADVICE_FIELDS):
        for name in EDITABLE:
            if name in values:
                setattr(advice, name, values[name])
        advice.topic = " ".join((advice.topic or "").split())
        if advice.kind == AdviceKind.CONSULTATION:
            advice.event = None
        if advice.follow_up_on != before.get("follow_up_on"):
            # A new date is a new follow-up: the advisor is reminded of it again.
            advice.reminded_at = None
        advice.full_clean()
        advice.save()
        if "topics" in values:
            advice.topics.set(values["topics"] or [])
    return advice


@transaction.atomic
def record_advice(user, organisation, values):
    """Record the advice `organisation` received; `values` as the form's cleaned data."""
    require(user, "advisory.record_advice", organisation)
    advice = Advice(organisation=organisation, recorded_by=user)
    return _save(user, advice, values, {})


def _locked(advice):
    return (
        Advice.objects.select_for_update(of=("self",))
        .select_related("organisation", "event")
        .get(pk=advice.pk)
    )


@transaction.atomic
def update_advice(user, advice, values):
    """Change an advice; its organisation stays."""
    advice = _locked(advice)
    require(user, "advisory.change_advice", advice)
    before = {
        "event": advice.event_id,
        "advisor": advice.advisor_id,
        "follow_up_on": advice.follow_up_on,
    }
    return _save(user, advice, values, before)


@transaction.atomic
def set_follow_up_done(user, advice, done=True, now=None):
    """Mark the follow-up done (or, done=False, open again)."""
    advice = _locked(advice)
    require(user, "advisory.follow_up_advice", advice)
    if advice.follow_up_on is None:
        raise ValidationError(_("No follow-up was agreed for this advice."))
    with audit.changes(user, advice, ADVICE_FIELDS):
        if done and advice.follow_up_done_at is None:
            advice.follow_up_done_at = now or timezone.now()
        elif not done:
            advice.follow_up_done_at = None
        advice.save(update_fields=["follow_up_done_at"])
    return advice


@transaction.atomic
def delete_advice(user, advice):
    advice = _locked(advice)
    require(user, "advisory.delete_advice", advice)
    audit.deleted(user, advice, ADVICE_FIELDS)
    advice.delete()


def reminder_window():
    """How late a reminder is still sent: a housekeeping that did not run on the day still
    reminds, but advice entered afterwards with an old follow-up date sends no reminders."""
    return timedelta(days=settings.ADVICE_REMINDER_LATE_DAYS)


def send_follow_up_reminders(now=None):
    """E-mail each advisor whose follow-up is due today (or was, within the window): once per
    follow-up date, claimed with a conditional update so that several workers never remind
    twice. Returns how many reminders were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        Advice.objects.follow_up_due(today)
        .filter(
            reminded_at__isnull=True,
            follow_up_on__gte=today - reminder_window(),
            advisor__is_active=True,
        )
        .exclude(advisor__email="")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Advice.objects.filter(
                pk=pk, reminded_at__isnull=True, follow_up_done_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                transaction.on_commit(lambda pk=pk: emails.send_follow_up_reminder.enqueue(pk))
                sent += 1
    return sent
