"""The faults the fuzz test (test_fuzz.py) found, each shown alone."""

import pytest
from django.test import Client

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.tests.factories import RegistrationFactory
from bruecken.web import CONFIRM_FIELD


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("name", ["country", "region", "topic", "form", "language", "municipality"])
def test_a_nul_byte_in_a_directory_filter_is_no_choice(client, reference_data, name, language):
    response = client.get(f"/{language}/organisations/", {name: "a\x00b"})
    assert response.status_code == 200


@pytest.mark.parametrize("target", ["99999999999999999999", "home", "https://evil.example/"])
def test_cancelling_goes_back_only_to_a_page_of_this_site(db, target):
    user = user_with_role(Role.PARTICIPANT)
    registration = RegistrationFactory(person=PersonFactory(user=user))
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/de/participate/registrations/{registration.pk}/cancel/",
        {"next": target, CONFIRM_FIELD: "yes"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/de/participate/mine/"
