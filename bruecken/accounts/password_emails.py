"""The e-mail with the link that sets a new password.

Queued and sent by the worker, like the other e-mails: the reset page answers at once and in
the same time whether or not the address has an account. The link is made when the e-mail is
built, in the account's language; it stays valid for PASSWORD_RESET_TIMEOUT and ends with the
password it replaces (Django's token generator)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from bruecken.mail import send_each, templated_email

from .models import User


def password_reset_requested(user):
    transaction.on_commit(lambda: send_password_reset.enqueue(user.pk))


def build_message(user):
    with translation.override(user.language or settings.LANGUAGE_CODE):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {
            "user": user,
            "reset_url": settings.SITE_URL + path,
            "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        }
        return templated_email("accounts/email/password_reset", context, user.email)


@task()
def send_password_reset(user_id):
    """Send the e-mail; none when the account is gone or was deactivated in the meantime."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return 0
    return send_each([build_message(user)], "password reset")
