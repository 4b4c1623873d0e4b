import pytest
from django.utils import translation

from .conftest import Api, make_token

pytestmark = pytest.mark.django_db


def test_unknown_api_address_is_json_404(anonymous):
    response = anonymous.get("/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "path", ["/organisations/999999", "/people/999999", "/events/9999", "/municipalities/9999"]
)
def test_unknown_object_is_json_404(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("path", ["/organisations/0", "/organisations/abc", "/people/99999999999"])
def test_bad_ids_are_422(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("The request is not valid")
    assert body["errors"][0]["loc"][0] == "path"


def test_validation_error_names_the_parameter(anonymous):
    body = anonymous.get("/organisations", {"limit": 500, "offset": -1}).json()
    assert "limit" in body["detail"] and "offset" in body["detail"]
    assert {tuple(error["loc"]) for error in body["errors"]} == {
        ("query", "limit"),
        ("query", "offset"),
    }


def test_text_with_a_nul_character_is_refused(anonymous):
    assert anonymous.get("/organisations", {"q": "a\x00b"}).status_code == 422


def test_validation_message_in_german(client):
    response = client.get("/api/v1/organisations?limit=0", headers={"Accept-Language": "de"})
    with translation.override("de"):
        expected = translation.gettext("The request is not valid (%(where)s).") % {"where": "limit"}
    assert response.json()["detail"] == expected


def test_rate_limit_per_address(anonymous, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 3
    for _ in range(3):
        assert anonymous.get("/municipalities").status_code == 200
    response = anonymous.get("/municipalities")
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests. Please wait a minute and try again."}
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_rate_limit_per_token(client, office, bonn_coordinator, settings):
    settings.API_RATE_LIMIT_TOKEN = 2
    settings.API_RATE_LIMIT_ANONYMOUS = 100
    first, second = Api(client, make_token(office)), Api(client, make_token(bonn_coordinator))
    assert [first.get("/municipalities").status_code for _ in range(3)] == [200, 200, 429]
    # Another token, and anonymous reading from the same address, have their own counts.
    assert second.get("/municipalities").status_code == 200
    assert Api(client).get("/municipalities").status_code == 200


def test_no_rate_limit_when_set_to_zero(anonymous, settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 0
    assert all(anonymous.get("/municipalities").status_code == 200 for _ in range(5))


@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_other_methods_are_json_405(client, method):
    response = getattr(client, method)("/api/v1/organisations", headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert response.json() == {"detail": f"The method {method.upper()} is not allowed here."}
    assert response["Allow"] == "GET, HEAD"


def test_head_is_answered_as_get_without_a_body(client, world):
    response = client.head("/api/v1/organisations")
    assert response.status_code == 200 and response.content == b""


def test_the_api_root_says_where_things_are(client):
    for path in ("/api/", "/api/v1/"):
        data = client.get(path).json()
        assert data["openapi"] == "/api/v1/openapi.json"
        assert data["docs"] == "/api/v1/docs"


@pytest.mark.parametrize("path", ["/municipalities", "/partnerships", "/open-data/popolo.json"])
def test_public_reference_data_is_the_same_for_every_reader(client, world, bonn_coordinator, path):
    anonymous = Api(client).get(path)
    with_token = Api(client, make_token(bonn_coordinator)).get(path)
    assert anonymous.status_code == with_token.status_code == 200
    assert anonymous.content == with_token.content


def test_programs_and_topics(anonymous, world):
    programs = anonymous.get("/programs").json()["results"]
    assert [p["id"] for p in programs] == [world.program.pk]
    assert {m["name"] for m in programs[0]["municipalities"]} == {"Bonn", "Kiel"}
    assert anonymous.get(f"/programs/{world.program.pk}").json()["office"]
    topics = anonymous.get("/topics", {"limit": 100}).json()["results"]
    assert {"code": "sdg-4", "group": "sdg"}.items() <= next(
        t for t in topics if t["code"] == "sdg-4"
    ).items()


def test_each_validation_message_in_german(client):
    response = client.get("/api/v1/organisations?limit=0", headers={"Accept-Language": "de"})
    with translation.override("de"):
        expected = translation.gettext("Enter a number of at least %(ge)s.") % {"ge": "1"}
    assert response.json()["errors"] == [{"loc": ["query", "limit"], "msg": expected}]
    assert expected != "Enter a number of at least 1."


@pytest.mark.parametrize(
    "value", ["0.5", "1700000000", "1899-12-31T23:00:00", "2201-01-01", "0001-01-01T00:00", "x"]
)
def test_updated_since_takes_what_the_schema_declares_only(anonymous, value):
    response = anonymous.get("/organisations", {"updated_since": value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "updated_since"]


@pytest.mark.parametrize("value", ["1900-01-01T00:00:00Z", "2026-05-01", "2200-12-31T10:00+01:00"])
def test_updated_since_within_the_years(anonymous, value):
    assert anonymous.get("/organisations", {"updated_since": value}).status_code == 200


def test_the_schema_declares_the_limits_of_updated_since(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/organisations", "/api/v1/people", "/api/v1/events"):
        parameters = schema["paths"][path]["get"]["parameters"]
        updated_since = next(p for p in parameters if p["name"] == "updated_since")["schema"]
        text = next(branch for branch in updated_since["anyOf"] if branch["type"] == "string")
        assert text["format"] == "date-time"
        assert text["pattern"].startswith("^(19")
        assert "1900–2200" in updated_since["description"]
