"""The public form by which an organisation asks to be listed."""

import pytest
from django.core.cache import cache as django_cache
from django.urls import reverse
from django.utils import translation

from bruecken.actors.models import ListingRequest

pytestmark = pytest.mark.usefixtures("language_reset")


def url(language="de", name="website:listing_request"):
    with translation.override(language):
        return reverse(name)


@pytest.fixture
def form_data(bonn):
    return {
        "name": "Eritreischer Verein Bonn",
        "kind": "migrant_organisation",
        "municipality": str(bonn.pk),
        "countries": [],
        "description": "Schulpatenschaften in Asmara.",
        "contact_name": "Selam Tesfaye",
        "contact_email": "selam@example.org",
        "publish_organisation": "on",
        "consent_processing": "on",
    }


@pytest.mark.parametrize(
    ("language", "heading"), [("de", "Um Aufnahme bitten"), ("en", "Ask to be listed")]
)
def test_the_form_in_both_languages(client, bonn, language, heading):
    response = client.get(url(language))
    assert response.status_code == 200
    content = response.content.decode()
    assert heading in content
    assert f'<html lang="{language}"' in content
    # The country-of-origin caution and the consent questions.
    assert "Art. 9" in content
    assert 'name="consent_processing"' in content
    assert 'name="publish_organisation"' in content


def test_the_directory_links_the_form(client, bonn):
    content = client.get(url(name="website:directory")).content.decode()
    assert url() in content


def test_a_request_is_sent(client, form_data, mailoutbox):
    response = client.post(url("en"), form_data)
    assert response.status_code == 200
    assert "Thank you for your request" in response.content.decode()
    listing_request = ListingRequest.objects.get()
    assert listing_request.language == "en"
    assert listing_request.publish_organisation
    assert not listing_request.publish_contact


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("de", "Ohne diese Einwilligung können wir die Anfrage nicht prüfen."),
        ("en", "Without this consent we cannot review the request."),
    ],
)
def test_without_consent_nothing_is_stored(client, form_data, language, message):
    del form_data["consent_processing"]
    response = client.post(url(language), form_data)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert message in content
    assert not ListingRequest.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [("de", "Dieses Feld ist zwingend erforderlich."), ("en", "This field is required.")],
)
def test_field_errors_in_the_users_language(client, form_data, language, message):
    form_data["contact_email"] = ""
    response = client.post(url(language), form_data)
    assert message in response.content.decode()
    assert not ListingRequest.objects.exists()


def test_a_filled_in_honeypot_looks_sent_but_stores_nothing(client, form_data, mailoutbox):
    response = client.post(url(), {**form_data, "fax_number": "spam"})
    assert response.status_code == 200
    assert "Vielen Dank" in response.content.decode()
    assert not ListingRequest.objects.exists()
    assert mailoutbox == []


def test_over_the_rate_limit_nothing_is_stored(client, form_data, settings):
    settings.CONTACT_RATE_LIMIT = 2
    django_cache.clear()
    for number in range(2):
        response = client.post(url(), {**form_data, "name": f"Verein {number}"})
        assert response.status_code == 200
    response = client.post(url(), {**form_data, "name": "Der dritte Verein"})
    assert response.status_code == 429
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "Der dritte Verein" in content
    assert ListingRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Verein\x00Bonn"),
        ("name", "x" * 10_000),
        ("description", "y" * 10_000),
        ("contact_name", "\x00"),
        ("municipality", "99999999999999999999999"),
        ("municipality", "-1"),
        ("municipality", "1\x00"),
        ("countries", "99999999999999999999999"),
        ("countries", "\x00"),
        ("founded", "99999999999999999999999"),
        ("founded", "31.02."),
        ("kind", "\x00"),
        ("phone", "31.02.2024"),
        ("website", "javascript:alert(1)"),
        ("contact_email", "a@b" + "c" * 10_000 + ".de"),
    ],
)
def test_hostile_input_is_refused_without_error(client, form_data, field, value):
    response = client.post(url(), {**form_data, field: value})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not ListingRequest.objects.exists()


def test_only_get_and_post(client, bonn):
    assert client.put(url()).status_code == 405
