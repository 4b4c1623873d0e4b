"""E-mails from templates, sending a batch of them from a background task (the events'
notifications, the notices of contact messages), and the privacy footer of e-mails to people
without an account."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def templated_email(template, context, to, *, footer="", **options):
    """An e-mail to the one address `to` from the templates `<template>_subject.txt` (its
    lines joined into one) and `<template>.txt`, in the active language, with `footer` after the
    body; `options` as for EmailMessage (reply_to, headers)."""
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}.txt", context)
    if footer:
        body = body.rstrip("\n") + "\n\n" + footer
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        **options,
    )


class NotSent(Exception):
    """Some e-mails of a batch could not be handed to the mail server."""


def send_each(messages, what):
    """Send each e-mail on its own over one connection: one refused address does not keep the
    others from theirs. `what` names the batch in the log and in `NotSent`, raised when any
    failed. Returns how many were sent."""
    if not messages:
        return 0
    failed = 0
    with get_connection() as connection:
        for number, message in enumerate(messages, start=1):
            message.connection = connection
            try:
                message.send()
            except Exception:
                logger.exception("Could not send %s (e-mail %s of %s)", what, number, len(messages))
                failed += 1
    if failed:
        raise NotSent(f"{what}: {failed} of {len(messages)} e-mails not sent")
    return len(messages)


def privacy_footer(*, data_url="", unsubscribe_url="", link_days=None, note=""):
    """The closing lines of every e-mail to someone without an account, in the active language:
    their personal link to see, export and delete their data (`data_url`) and to stop the
    e-mails they need not get (`unsubscribe_url`), when there is a person record to link to;
    `note` says what else is kept about them; always the privacy policy's address."""
    return render_to_string(
        "email/privacy_footer.txt",
        {
            "data_url": data_url,
            "unsubscribe_url": unsubscribe_url,
            "link_days": link_days,
            "note": note,
            "privacy_url": settings.SITE_URL + reverse("website:privacy"),
        },
    )


def unsubscribe_headers(unsubscribe_url):
    """List-Unsubscribe (RFC 2369) with one-click unsubscribing (RFC 8058): mail programs show
    an "unsubscribe" button that posts to the link."""
    if not unsubscribe_url:
        return {}
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
