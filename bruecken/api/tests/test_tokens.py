import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.api import services
from bruecken.api.models import ApiToken, hash_token

# Rules


def test_rule_create_token(office, bonn_coordinator, bonn_facilitator, participant):
    assert office.has_perm("api.create_token")
    assert bonn_coordinator.has_perm("api.create_token")
    assert bonn_facilitator.has_perm("api.create_token")
    assert not participant.has_perm("api.create_token")


def test_rule_revoke_token(office, bonn_coordinator, kiel_coordinator):
    token, _raw = services.create_token(bonn_coordinator, "Portal")
    assert bonn_coordinator.has_perm("api.revoke_token", token)
    assert office.has_perm("api.revoke_token", token)
    assert not kiel_coordinator.has_perm("api.revoke_token", token)


def test_rule_view_all_tokens(office, bonn_coordinator):
    assert office.has_perm("api.view_all_tokens")
    assert not bonn_coordinator.has_perm("api.view_all_tokens")


# Services


def test_create_token(bonn_coordinator):
    token, raw = services.create_token(bonn_coordinator, "  Portal   Bonn ")
    assert token.name == "Portal Bonn" and token.user == bonn_coordinator
    assert raw.startswith("brk_") and len(raw) > 40
    assert token.token_hash == hash_token(raw)
    entry = AuditEntry.objects.get(object_type="api.apitoken")
    assert entry.action == AuditEntry.Action.CREATE and entry.user == bonn_coordinator
    assert raw not in str(entry.changes)


def test_create_token_needs_a_name(bonn_coordinator):
    with pytest.raises(ValidationError):
        services.create_token(bonn_coordinator, "   ")
    with pytest.raises(ValidationError):
        services.create_token(bonn_coordinator, "x" * 101)
    assert not ApiToken.objects.exists()


def test_create_token_wrong_role(participant):
    with pytest.raises(PermissionDenied):
        services.create_token(participant, "Portal")


def test_revoke_token(bonn_coordinator, kiel_coordinator, office):
    token, _raw = services.create_token(bonn_coordinator, "Portal")
    with pytest.raises(PermissionDenied):
        services.revoke_token(kiel_coordinator, token)
    services.revoke_token(bonn_coordinator, token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    first = token.revoked_at
    services.revoke_token(office, token)  # again: nothing changes
    token.refresh_from_db()
    assert token.revoked_at == first
    assert AuditEntry.objects.filter(object_type="api.apitoken").count() == 2


# Views


URL = "/api/tokens/"


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_needs_a_staff_role(client, participant):
    client.force_login(participant)
    assert client.get(URL).status_code == 403


def test_create_shows_the_secret_once(client, bonn_coordinator):
    client.force_login(bonn_coordinator)
    with translation.override("en"):
        posted = client.post(URL, {"name": "Portal"}, headers={"Accept-Language": "en"})
        # Post, redirect, get: reloading the page creates no second token.
        assert posted.status_code == 302 and posted["Location"] == URL
        response = client.get(URL, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["created"]["secret"]
    assert hash_token(secret) == token.token_hash
    assert secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    # Never again, and not kept in the session.
    assert secret not in client.get(URL).content.decode()
    assert secret not in str(dict(client.session))
    assert ApiToken.objects.count() == 1
    assert token.prefix in client.get(URL).content.decode()


def test_create_with_bad_input(client, bonn_coordinator):
    client.force_login(bonn_coordinator)
    response = client.post(URL, {"name": ""})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_the_list_shows_own_tokens_and_the_office_all(client, bonn_coordinator, office):
    services.create_token(bonn_coordinator, "Bonn portal")
    services.create_token(office, "Office export")
    client.force_login(bonn_coordinator)
    assert [t.name for t in client.get(URL).context["tokens"]] == ["Bonn portal"]
    client.force_login(office)
    assert {t.name for t in client.get(URL).context["tokens"]} == {"Bonn portal", "Office export"}


def test_revoke_via_the_page(client, bonn_coordinator, kiel_coordinator, office):
    token, _raw = services.create_token(bonn_coordinator, "Portal")
    url = reverse("api:token_revoke", args=[token.pk])
    assert client.get(url).status_code in (302, 405)
    client.force_login(kiel_coordinator)
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(bonn_coordinator)
    # Asked first, naming the consequence; nothing is revoked yet.
    asked = client.post(url)
    assert asked.status_code == 200 and "nicht rückgängig" in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == URL
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_office_may_revoke_any_token(client, bonn_coordinator, office):
    token, _raw = services.create_token(bonn_coordinator, "Portal")
    client.force_login(office)
    client.post(reverse("api:token_revoke", args=[token.pk]), {"confirm": "yes"})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_page_is_translated(client, bonn_coordinator):
    client.force_login(bonn_coordinator)
    client.cookies["django_language"] = "de"
    response = client.get(URL, headers={"Accept-Language": "de"})
    with translation.override("de"):
        assert translation.gettext("API tokens") in response.content.decode()


def test_a_representative_may_create_tokens(client, world):
    user = user_with_role(Role.REPRESENTATIVE, organisation=world.bonn_public)
    client.force_login(user)
    assert client.post(URL, {"name": "Website"}).status_code == 302
    assert ApiToken.objects.filter(user=user).exists()
