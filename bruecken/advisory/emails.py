"""The reminder to an advisor that a follow-up is due, in their language, with the link to the
advice; sent by the worker after the housekeeping's commit."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from bruecken.mail import send_each, templated_email

from .models import Advice


def reminder_message(advice):
    """The reminder e-mail, or None when there is nobody to send it to (advisor gone, no
    address) or nothing left to follow up."""
    advisor = advice.advisor
    if (
        advisor is None
        or not advisor.is_active
        or not advisor.email
        or advice.follow_up_on is None
        or advice.follow_up_done_at is not None
    ):
        return None
    with translation.override(advisor.language):
        context = {
            "advice": advice,
            "advisor": advisor,
            "url": settings.SITE_URL + advice.get_absolute_url(),
        }
        return templated_email("advisory/email/reminder", context, advisor.email)


@task()
def send_follow_up_reminder(advice_id):
    advice = (
        Advice.objects.select_related("organisation", "advisor", "event")
        .filter(pk=advice_id)
        .first()
    )
    message = reminder_message(advice) if advice is not None else None
    if message is None:
        return 0
    return send_each([message], f"follow-up reminder for advice {advice_id}")
