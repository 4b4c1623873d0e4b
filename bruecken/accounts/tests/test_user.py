"""The user model: the e-mail address is the login, in whatever case it is typed."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.db import IntegrityError

from bruecken.accounts.models import User
from bruecken.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_model_is_ours():
    assert get_user_model() is User


def test_there_is_no_username_field():
    assert User.USERNAME_FIELD == "email"
    assert User.EMAIL_FIELD == "email"
    assert User.REQUIRED_FIELDS == []
    with pytest.raises(FieldDoesNotExist):
        User._meta.get_field("username")


def test_create_user_lower_cases_the_email():
    user = User.objects.create_user("Abena.Mensah@Example.ORG", "s3cret-Passw0rd")
    user.refresh_from_db()
    assert user.email == "abena.mensah@example.org"
    assert user.check_password("s3cret-Passw0rd")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert user.language == "de"


def test_create_user_without_password_cannot_log_in():
    user = User.objects.create_user("nopassword@example.org")
    assert not user.has_usable_password()


def test_create_user_needs_an_email():
    with pytest.raises(ValueError, match="e-mail"):
        User.objects.create_user("", "pw")


def test_the_same_address_in_another_case_is_refused():
    User.objects.create_user("kofi@example.org", "pw")
    with pytest.raises(IntegrityError):
        User.objects.create_user("KOFI@example.org", "pw")


def test_create_superuser():
    user = User.objects.create_superuser("Admin@Example.org", "pw", full_name="Admin")
    assert user.email == "admin@example.org"
    assert (user.is_staff, user.is_superuser) == (True, True)
    assert user.has_perm("anything.at_all")


def test_create_superuser_ignores_attempts_to_make_it_less():
    user = User.objects.create_superuser("root@example.org", "pw", is_staff=False)
    assert (user.is_staff, user.is_superuser) == (True, True)


def test_createsuperuser_command(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-passw0rd")
    call_command("createsuperuser", "--noinput", email="Office@Example.org", verbosity=0)
    user = User.objects.get()
    assert user.email == "office@example.org"
    assert user.is_superuser
    assert user.check_password("a-long-admin-passw0rd")


def test_clean_lower_cases_the_email():
    user = User(email="Ama@EXAMPLE.org")
    user.clean()
    assert user.email == "ama@example.org"


@pytest.mark.parametrize("typed", ["kwame@example.org", "Kwame@Example.org", "KWAME@EXAMPLE.ORG"])
def test_authenticate_with_the_email_in_any_case(typed):
    user = UserFactory(email="kwame@example.org")
    assert authenticate(username=typed, password=PASSWORD) == user
    assert authenticate(email=typed, password=PASSWORD) == user


def test_authenticate_refuses_a_wrong_password_and_an_unknown_address():
    UserFactory(email="kwame@example.org")
    assert authenticate(username="kwame@example.org", password="wrong") is None
    assert authenticate(username="nobody@example.org", password=PASSWORD) is None


def test_authenticate_refuses_an_inactive_user():
    UserFactory(email="gone@example.org", is_active=False)
    assert authenticate(username="gone@example.org", password=PASSWORD) is None


def test_str_is_the_name_or_else_the_email():
    assert str(User(email="a@example.org", full_name="Ama Owusu")) == "Ama Owusu"
    assert str(User(email="a@example.org")) == "a@example.org"


def test_roles_are_fetched_once(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(1):
        user.roles_cached()
        user.roles_cached()
