"""Password reset by e-mail: no disclosure whether an address has an account, the mail in the
account's language, links that expire or were used change nothing, requests are rate-limited."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bruecken.accounts.models import AuditEntry
from bruecken.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_reset")]

NEW_PASSWORD = "Zwei Brücken über den Rhein 1977"


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"accounts:{name}", kwargs=kwargs or None)


def reset_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return url("password_reset_confirm", uidb64=uid, token=default_token_generator.make_token(user))


@pytest.fixture
def ama(db):
    return UserFactory(email="ama@example.org", language="de")


def test_the_login_page_links_the_reset(client):
    for language, text in (("de", "Passwort vergessen?"), ("en", "Forgot your password?")):
        content = client.get(url("login", language)).content.decode()
        assert url("password_reset", language) in content
        assert text in content


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_reset_page(client, language):
    response = client.get(url("password_reset", language))
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_a_known_address_gets_a_link_in_the_account_language(
    client, ama, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("password_reset", "en"), {"email": "AMA@example.org"})
    assert response.status_code == 302
    assert response.url == url("password_reset_done", "en")
    [message] = mail.outbox
    assert message.to == ["ama@example.org"]
    # German, as the account prefers, though asked for on the English page.
    assert "Passwort" in message.subject
    link = re.search(r"https?://\S+", message.body).group(0)
    assert "/de/accounts/reset/" in link


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, ama, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url("password_reset"), {"email": "ama@example.org"})
        unknown = client.post(url("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    done = client.get(url("password_reset_done")).content.decode()
    assert "If an account exists for this address" in done


def test_an_inactive_account_gets_no_mail(client, django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("password_reset"), {"email": "gone@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once(client, ama):
    link = reset_link(ama)
    response = client.get(link)
    assert response.status_code == 302  # Django hides the token from the address bar
    form_url = response.url
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == url("password_reset_complete")
    ama.refresh_from_db()
    assert ama.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(object_id=str(ama.pk), changes__has_key="password").exists()
    # Used: the same link again changes nothing and says why.
    client.logout()
    response = client.get(link, follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert "This link is not valid" in content
    assert 'name="new_password1"' not in content


@pytest.mark.parametrize("language", ["de", "en"])
def test_an_expired_link_changes_nothing(client, ama, settings, language):
    link = reset_link(ama)
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client.get(link.replace("/en/", f"/{language}/"), follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="new_password1"' not in content
    expected = "Dieser Link ist nicht gültig" if language == "de" else "This link is not valid"
    assert expected in content
    ama.refresh_from_db()
    assert ama.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("uid", "token"),
    [
        ("MQ", "forged-token"),
        ("AA", "abc-def"),
        ("%00", "%00"),
        ("x" * 10000, "y" * 10000),
        ("LTE", "1-2"),
        ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "abc-123"),
    ],
)
def test_forged_links_change_nothing(client, ama, uid, token):
    response = client.get(f"/en/accounts/reset/{uid}/{token}/", follow=True)
    assert response.status_code in (200, 404)
    assert 'name="new_password1"' not in response.content.decode()
    response = client.post(
        f"/en/accounts/reset/{uid}/set-password/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code in (200, 404)
    ama.refresh_from_db()
    assert ama.check_password(PASSWORD)


def test_the_new_password_is_checked_in_german(client, ama):
    with translation.override("de"):
        link = reset_link(ama)
    form_url = client.get(link.replace("/en/", "/de/")).url
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Passwort ist zu üblich." in content
    assert "Dieses Passwort ist komplett numerisch." in content
    ama.refresh_from_db()
    assert ama.check_password(PASSWORD)


@pytest.mark.parametrize(
    "email", ["ama\x00@example.org", "a" * 10000 + "@example.org", "not an address", ""]
)
def test_hostile_addresses_are_refused(client, ama, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("password_reset", "de"), {"email": email})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert mail.outbox == []


def test_reset_requests_are_rate_limited_per_address(
    client, ama, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_LIMIT = 3
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert (
                client.post(url("password_reset"), {"email": "ama@example.org"}).status_code == 302
            )
        response = client.post(url("password_reset"), {"email": "ama@example.org"})
    assert response.status_code == 200
    assert "Too many requests for a new password" in response.content.decode()
    assert len(mail.outbox) == 3


def test_reset_requests_are_rate_limited_per_email(
    client, ama, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(2):
            client.post(
                url("password_reset"), {"email": "ama@example.org"}, REMOTE_ADDR=f"10.0.0.{number}"
            )
        response = client.post(
            url("password_reset", "de"), {"email": "ama@example.org"}, REMOTE_ADDR="10.0.0.9"
        )
    assert response.status_code == 200
    assert "Zu viele Anfragen" in response.content.decode()
    assert len(mail.outbox) == 2
