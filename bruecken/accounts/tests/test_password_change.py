"""Changing the password: Django's validators with German messages on German pages; the other
sessions of the account end, this one stays."""

import pytest
from django.test import Client

from bruecken.accounts.models import AuditEntry
from bruecken.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_reset")]

NEW_PASSWORD = "Zwei Brücken über den Rhein 1977"


def change(client, language="en", old=PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        f"/{language}/accounts/password_change/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


@pytest.fixture
def ama(db):
    return UserFactory(email="ama@example.org")


def test_signing_in_is_needed(client):
    response = client.get("/en/accounts/password_change/")
    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/login/")


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_page_and_the_menu_link(client, ama, language):
    client.force_login(ama)
    response = client.get(f"/{language}/accounts/password_change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert f'href="/{language}/accounts/security/"' in content


def test_the_other_sessions_end_and_this_one_stays(ama):
    this, other = Client(), Client()
    for client in (this, other):
        assert client.login(username="ama@example.org", password=PASSWORD)
    response = change(this)
    assert response.status_code == 302
    assert response.url == "/en/accounts/security/"
    ama.refresh_from_db()
    assert ama.check_password(NEW_PASSWORD)
    assert this.get("/en/accounts/security/").status_code == 200
    assert other.get("/en/accounts/security/").status_code == 302
    assert "_auth_user_id" not in other.session
    assert AuditEntry.objects.filter(object_id=str(ama.pk), changes__has_key="password").exists()


def test_validators_speak_german_on_german_pages(client, ama):
    client.force_login(ama)
    response = change(client, "de", new="12345678")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Passwort ist zu üblich." in content
    assert "Dieses Passwort ist komplett numerisch." in content
    ama.refresh_from_db()
    assert ama.check_password(PASSWORD)


def test_a_wrong_old_password_changes_nothing(client, ama):
    client.force_login(ama)
    response = change(client, "en", old="wrong")
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    ama.refresh_from_db()
    assert ama.check_password(PASSWORD)


@pytest.mark.parametrize("value", ["\x00", "a\x00b" * 3, "x" * 10000, "ä" * 10000, ""])
def test_hostile_input_gives_errors_not_500(client, ama, value):
    client.force_login(ama)
    for data in (
        {"old_password": value, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        {"old_password": PASSWORD, "new_password1": value, "new_password2": value},
    ):
        response = client.post("/de/accounts/password_change/", data)
        assert response.status_code in (200, 302)
    ama.refresh_from_db()
    # A 10,000-character password passes the validators: it may be set, but nothing else.
    assert ama.check_password(PASSWORD) or ama.check_password(value)
