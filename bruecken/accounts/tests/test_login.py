"""Logging in with the e-mail address, and out again."""

import pytest
from django.urls import reverse
from django.utils import translation

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

ENGLISH_ERROR = "The e-mail address or the password is not correct."


def login_url(language):
    with translation.override(language):
        return reverse("accounts:login")


def home_url(language):
    with translation.override(language):
        return reverse("website:personal_home")


def test_login_urls_carry_the_language():
    assert login_url("de") == "/de/accounts/login/"
    assert login_url("en") == "/en/accounts/login/"


def test_login_page(client):
    response = client.get(login_url("en"), secure=True)
    assert response.status_code == 200
    assert 'type="email"' in response.content.decode()


@pytest.mark.parametrize("typed", ["ama@example.org", "Ama@Example.ORG"])
def test_login_with_the_email_in_any_case(client, typed, bonn):
    user = user_with_role(Role.COORDINATOR, municipality=bonn, user__email="ama@example.org")
    response = client.post(login_url("en"), {"username": typed, "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    assert response.url == home_url("en")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_follows_a_safe_next(client):
    UserFactory(email="ama@example.org")
    response = client.post(
        login_url("en"),
        {"username": "ama@example.org", "password": PASSWORD, "next": "/en/actors/people/"},
        secure=True,
    )
    assert response.url == "/en/actors/people/"


def test_login_ignores_a_next_to_another_site(client, bonn):
    user_with_role(Role.COORDINATOR, municipality=bonn, user__email="ama@example.org")
    response = client.post(
        login_url("en"),
        {"username": "ama@example.org", "password": PASSWORD, "next": "https://evil.example/"},
        secure=True,
    )
    assert response.url == home_url("en")


def test_wrong_password_shows_the_error_in_english(client):
    UserFactory(email="ama@example.org")
    response = client.post(
        login_url("en"), {"username": "ama@example.org", "password": "wrong"}, secure=True
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert ENGLISH_ERROR in response.content.decode()


def test_wrong_password_shows_the_error_in_german(client):
    UserFactory(email="ama@example.org")
    response = client.post(
        login_url("de"), {"username": "ama@example.org", "password": "wrong"}, secure=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert ENGLISH_ERROR not in content
    with translation.override("de"):
        from bruecken.accounts.forms import LoginForm

        german = str(LoginForm.error_messages["invalid_login"])
    assert german != ENGLISH_ERROR
    assert german in content


def test_unknown_address_gets_the_same_error(client):
    response = client.post(
        login_url("en"), {"username": "nobody@example.org", "password": PASSWORD}, secure=True
    )
    assert ENGLISH_ERROR in response.content.decode()


def test_an_inactive_account_cannot_log_in(client):
    UserFactory(email="gone@example.org", is_active=False)
    response = client.post(
        login_url("en"), {"username": "gone@example.org", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_logged_in_user_is_sent_on(client, bonn_coordinator):
    client.force_login(bonn_coordinator)
    response = client.get(login_url("en"), secure=True)
    assert response.status_code == 302
    assert response.url == home_url("en")


def test_logout_by_get_is_refused(client):
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:logout"), secure=True)
    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_by_post(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:logout"), secure=True)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_participant_lands_on_their_home_page(client):
    from bruecken.actors.tests.factories import PersonFactory

    user = user_with_role(Role.PARTICIPANT)
    PersonFactory(user=user)
    response = client.post("/en/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/home/"


@pytest.mark.django_db
def test_an_account_without_role_or_person_lands_on_its_home_page(client):
    user = UserFactory()
    response = client.post("/en/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response["Location"] == "/en/home/"
