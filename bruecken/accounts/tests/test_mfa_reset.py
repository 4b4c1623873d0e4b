"""The program office resets the second factor of someone who lost it: devices and recovery
codes gone, an audit entry, an e-mail to the account after the commit."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bruecken.accounts import mfa
from bruecken.accounts.audit import history
from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def with_second_factor(user):
    TOTPDevice.objects.create(user=user, name=mfa.DEVICE_NAME, confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name=mfa.RECOVERY_NAME, confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd1234")
    return user


@pytest.fixture
def ama(db):
    return with_second_factor(UserFactory(email="ama@example.org", full_name="Ama Mensah"))


@pytest.mark.parametrize(
    ("language", "subject", "text"),
    [
        ("de", "Der zweite Faktor Ihres Kontos wurde zurückgesetzt", "Guten Tag Ama Mensah"),
        ("en", "The second factor of your account was reset", "Hello Ama Mensah"),
    ],
)
def test_office_resets_the_second_factor(
    office, ama, language, subject, text, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://bruecken.example"
    ama.language = language
    ama.save(update_fields=["language"])
    other = with_second_factor(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        mfa.reset(office, ama)
    assert not TOTPDevice.objects.filter(user=ama).exists()
    assert not StaticDevice.objects.filter(user=ama).exists()
    assert not StaticToken.objects.filter(device__user=ama).exists()
    assert mfa.has_second_factor(other)
    entry = history(ama).get(action=AuditEntry.Action.UPDATE)
    assert entry.user == office
    assert entry.changes == {"second factor": ["on", "reset"]}
    (message,) = mail.outbox
    assert message.to == ["ama@example.org"]
    assert message.subject == subject
    assert "Ama" not in message.subject
    assert text in message.body
    assert f"https://bruecken.example/{language}/accounts/security/" in message.body


def test_an_account_without_second_factor_is_refused(office, django_capture_on_commit_callbacks):
    account = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        mfa.reset(office, account)
    assert mail.outbox == []
    assert not history(account).exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FACILITATOR, Role.PARTICIPANT])
def test_only_the_office_resets(ama, bonn, role, django_capture_on_commit_callbacks):
    scope = {"municipality": bonn} if role != Role.PARTICIPANT else {}
    user = user_with_role(role, **scope)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        mfa.reset(user, ama)
    assert mfa.has_second_factor(ama)
    assert mail.outbox == []


def test_the_office_does_not_reset_its_own(office, django_capture_on_commit_callbacks):
    with_second_factor(office)
    with pytest.raises(PermissionDenied):
        mfa.reset(office, office)
    assert mfa.has_second_factor(office)


def test_nothing_is_sent_when_the_transaction_rolls_back(
    office, ama, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        mfa.reset(office, ama)
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert mail.outbox == []
    assert mfa.has_second_factor(ama)
