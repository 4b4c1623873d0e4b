import pytest
from django.utils import translation

from bruecken.api.models import ApiToken, hash_token

from .conftest import Api, make_token


def test_anonymous_reads_without_a_header(anonymous, world):
    assert anonymous.get("/organisations").status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer brk_not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer"],
)
def test_a_bad_authorization_header_is_401_not_anonymous(client, world, header):
    response = client.get(
        "/api/v1/organisations", headers={"Authorization": header, "Accept-Language": "en"}
    )
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "The API token is not valid, or it has been revoked."}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_no_longer_works(client, office, world):
    from bruecken.api import services

    token, raw = services.create_token(office, "Portal")
    assert Api(client, raw).get("/organisations").status_code == 200
    services.revoke_token(office, token)
    assert Api(client, raw).get("/organisations").status_code == 401


def test_an_inactive_users_token_no_longer_works(client, office, world):
    raw = make_token(office)
    office.is_active = False
    office.save()
    assert Api(client, raw).get("/organisations").status_code == 401


def test_the_token_is_stored_hashed_and_last_use_recorded(client, office, world):
    raw = make_token(office)
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    assert token.prefix == raw[:12]
    assert token.last_used_at is None
    Api(client, raw).get("/organisations")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_own_registrations_need_a_token(anonymous):
    response = anonymous.get("/registrations/mine")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]


def test_errors_follow_accept_language(client, world):
    response = client.get(
        "/api/v1/organisations", headers={"Authorization": "Bearer x", "Accept-Language": "de"}
    )
    with translation.override("de"):
        assert response.json()["detail"] == translation.gettext(
            "The API token is not valid, or it has been revoked."
        )
    assert response.headers["Content-Language"] == "de"
