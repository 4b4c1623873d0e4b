"""The admin's own views given values that are no ids: an answer, never a 500; web addresses
without a scheme taken as https."""

import warnings

import pytest
from django.test import Client

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.places.models import Country, Municipality, Partnership


@pytest.fixture
def admin_client(db):
    user = user_with_role(Role.PROGRAM_OFFICE)
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", ["abc", "a\x00b", "99999999999999999999", "-1"])
def test_selected_rows_that_are_no_ids_select_nothing(admin_client, bonn, value):
    response = admin_client.post(
        "/admin/places/municipality/",
        {"action": "delete_selected", "_selected_action": [value], "index": "0"},
    )
    assert response.status_code in (200, 302)
    assert Municipality.objects.filter(pk=bonn.pk).exists()


def test_selected_rows_that_are_ids_still_count(admin_client, bonn):
    response = admin_client.post(
        "/admin/places/municipality/",
        {"action": "delete_selected", "_selected_action": [str(bonn.pk), "abc"], "index": "0"},
    )
    # The confirmation page names the municipality.
    assert response.status_code == 200
    assert "Bonn" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "a\x00b", "99999999999999999999"])
def test_an_autocomplete_field_given_no_id_shows_the_form_again(admin_client, bonn, value):
    before = Partnership.objects.count()
    response = admin_client.post(
        "/admin/places/partnership/add/",
        {"municipality": str(bonn.pk), "country": value, "partner_name": "Cape Coast"},
    )
    assert response.status_code == 200
    assert Partnership.objects.count() == before


def test_a_web_address_without_a_scheme_is_https(admin_client, bonn):
    with warnings.catch_warnings():
        # Django 5 warns where a form would still take it as http.
        warnings.simplefilter("error")
        assert admin_client.get("/admin/places/partnership/add/").status_code == 200
        assert admin_client.get(f"/admin/places/municipality/{bonn.pk}/change/").status_code == 200
        # Read-only (organisations are changed through the services), a form all the same.
        organisation = OrganisationFactory(website="https://verein.example")
        path = f"/admin/actors/organisation/{organisation.pk}/change/"
        assert admin_client.get(path).status_code == 200
        response = admin_client.post(
            "/admin/places/partnership/add/",
            {
                "municipality": str(bonn.pk),
                "country": str(Country.objects.get(code="GH").pk),
                "partner_name": "Tamale",
                "kind": "city",
                "status": "active",
                "source": "tamale.example/partner",
            },
        )
    assert response.status_code == 302
    assert Partnership.objects.get(partner_name="Tamale").source == "https://tamale.example/partner"
