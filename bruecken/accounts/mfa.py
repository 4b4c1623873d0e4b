"""The second factor: a TOTP authenticator app (django-otp) with single-use recovery codes.

One confirmed TOTP device per account at most; its recovery codes are a static device beside it.
Setting up starts an unconfirmed device, shown as a QR code and a key to type, confirmed by a
first code. Every change is in the audit log."""

from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task

from bruecken.mail import send_each, templated_email
from bruecken.permissions import require

from .audit import record
from .models import AuditEntry, User

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user):
    """The device being set up: kept until confirmed, so reloading the page keeps the QR code
    the user may already have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def manual_key(device):
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device):
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=False
    )
    # An image with a name for screen readers; the key beside it is the text alternative.
    label = _("QR code for your authenticator app (the key to type in is given below)")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _new_codes(device):
    device.token_set.all().delete()
    codes = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm(user, device, code):
    """Confirm the pending device with its first code; returns the recovery codes (shown once)
    or None when the code is wrong."""
    if device.confirmed or device.user_id != user.pk or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = _new_codes(recovery)
    record(user, AuditEntry.Action.UPDATE, user, {"second factor": ["off", "on"]})
    return codes


@transaction.atomic
def new_recovery_codes(user):
    recovery, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_NAME, "confirmed": True}
    )
    codes = _new_codes(recovery)
    record(user, AuditEntry.Action.UPDATE, user, {"recovery codes": ["", "new"]})
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def disable(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(user, AuditEntry.Action.UPDATE, user, {"second factor": ["on", "off"]})


def with_second_factor(user_ids):
    """Which of these accounts have a confirmed second factor."""
    return set(
        TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def reset(user, account):
    """The program office removes the second factor of someone who lost it (phone and recovery
    codes): they sign in with their password alone and set it up again (the program office is
    led to at once). The account is told by e-mail, so that a reset they did not ask for does
    not go unnoticed."""
    require(user, "accounts.reset_second_factor", account)
    account = User.objects.select_for_update().get(pk=account.pk)
    if not has_second_factor(account):
        raise ValidationError(_("This account has no second factor."), code="none")
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    record(user, AuditEntry.Action.UPDATE, account, {"second factor": ["on", "reset"]})
    account_id = account.pk
    transaction.on_commit(lambda: send_reset_notice.enqueue(account_id))
    return account


def reset_notice(account):
    with translation.override(account.language or settings.LANGUAGE_CODE):
        context = {
            "account": account,
            "security_url": settings.SITE_URL + reverse("accounts:security"),
        }
        return templated_email("accounts/email/second_factor_reset", context, account.email)


@task()
def send_reset_notice(account_id):
    account = User.objects.filter(pk=account_id).exclude(email="").first()
    if account is None:
        return 0
    return send_each([reset_notice(account)], f"second factor reset {account_id}")


def verify(user, code):
    """The device that accepts `code` (the app's, else a recovery code), or None. A code is
    accepted once: TOTP refuses a code of a time step already used, a recovery code is deleted."""
    if not code or len(code) > 16:
        return None
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        for device in devices:
            if isinstance(device, TOTPDevice) and not code.isdigit():
                continue
            if device.verify_token(code):
                return device
    return None


def required_for(user):
    from .roles import is_program_office

    return settings.MFA_REQUIRED_FOR_PROGRAM_OFFICE and is_program_office(user)
