"""The introduction e-mails, each in its recipient's language: the proposal with the reasons
and the answer link (built by `introductions.send_introduction_emails` while the token is
known), and the short notices after the answers."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bruecken.mail import privacy_footer, templated_email

from .models import Answer


def reasons_in(introduction, language):
    """The frozen reasons in `language`, else in German (never empty when there are any)."""
    reasons = introduction.reasons or {}
    return reasons.get(language) or reasons.get(settings.LANGUAGE_CODE) or []


def _other(introduction, organisation_id):
    if organisation_id == introduction.first_id:
        return introduction.second
    return introduction.first


def _footer():
    return privacy_footer(
        note=_(
            "We keep the address this e-mail went to with the introduction, together with "
            "your answer, as part of the program's records."
        )
    )


def _message(template, context, to, language):
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        return templated_email(f"partnerships/email/{template}", context, to, footer=_footer())


def introduction_message(introduction, answer, token):
    """The proposal to one side, with its answer link."""
    language = answer.language
    with translation.override(language):
        url = settings.SITE_URL + reverse("partnerships:introduction_answer", args=[token])
    context = {
        "introduction": introduction,
        "organisation": answer.organisation,
        "other": _other(introduction, answer.organisation_id),
        "partnership": introduction.partnership,
        "reasons": reasons_in(introduction, language),
        "proposer": introduction.proposed_by,
        "answer_url": url,
        "expires_at": timezone.localtime(answer.expires_at),
    }
    return _message("introduction", context, answer.email, language)


def notice_messages(kind, introduction, answer_id=None):
    """ "accepted": to both sides; "declined": to the sides other than the one that declined
    (`answer_id`)."""
    answers = introduction.answers.select_related("organisation").exclude(email="")
    if kind == "declined":
        answers = answers.exclude(pk=answer_id).exclude(answer=Answer.DECLINED)
    return [
        _message(
            f"introduction_{kind}",
            {
                "introduction": introduction,
                "organisation": answer.organisation,
                "other": _other(introduction, answer.organisation_id),
                "partnership": introduction.partnership,
            },
            answer.email,
            answer.language,
        )
        for answer in answers
    ]
