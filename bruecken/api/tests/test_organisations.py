import datetime

import pytest
from django.utils import timezone

from bruecken.actors import services as actor_services
from bruecken.actors.models import OrganisationKind, Topic
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.places.models import Country, Language


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_anonymous_sees_the_public_organisations_only(anonymous, world):
    assert names(anonymous.get("/organisations")) == ["Bonn Public e.V.", "Kiel Public e.V."]


def test_a_coordinator_also_sees_the_non_public_ones_of_their_municipality(bonn_api, world):
    assert names(bonn_api.get("/organisations")) == [
        "Bonn Private e.V.",
        "Bonn Public e.V.",
        "Kiel Public e.V.",
    ]


def test_another_coordinator_does_not_see_them(kiel_api, world):
    assert names(kiel_api.get("/organisations")) == [
        "Bonn Public e.V.",
        "Kiel Private e.V.",
        "Kiel Public e.V.",
    ]


def test_the_program_office_sees_all(office_api, world):
    assert len(names(office_api.get("/organisations"))) == 4


def test_a_representative_sees_their_own(client, world):
    from bruecken.accounts.models import Role
    from bruecken.accounts.tests.factories import user_with_role

    from .conftest import Api, make_token

    user = user_with_role(Role.REPRESENTATIVE, organisation=world.kiel_private)
    assert "Kiel Private e.V." in names(Api(client, make_token(user)).get("/organisations"))


def test_detail_of_a_non_public_organisation(anonymous, bonn_api, kiel_api, world):
    path = f"/organisations/{world.bonn_private.pk}"
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(path).json() == {"detail": "Not found."}
    assert kiel_api.get(path).status_code == 404
    response = bonn_api.get(path)
    assert response.status_code == 200
    assert response.json()["is_public"] is False
    assert response.json()["profile_url"] is None


def test_detail_of_a_public_organisation(anonymous, world):
    world.bonn_public.countries.set([Country.objects.get(code="ET")])
    response = anonymous.get(f"/organisations/{world.bonn_public.pk}")
    data = response.json()
    assert data["name"] == "Bonn Public e.V."
    assert data["countries"] == [{"code": "ET", "name": "Ethiopia"}]
    assert data["municipality"] == {"id": world.bonn_public.municipality_id, "name": "Bonn"}
    assert data["kind_label"] == "migrant organisation"
    assert data["profile_url"].endswith(f"/organisations/{world.bonn_public.pk}/")


def test_labels_follow_accept_language(anonymous, world):
    data = anonymous.client.get(
        f"/api/v1/organisations/{world.bonn_public.pk}", headers={"Accept-Language": "de"}
    ).json()
    assert data["kind_label"] == "Migrantenorganisation"


def test_withdrawn_consent_hides_at_once(
    anonymous, office, world, django_capture_on_commit_callbacks, page_cache
):
    path = f"/organisations/{world.bonn_public.pk}"
    assert anonymous.get(path).status_code == 200
    assert "Bonn Public e.V." in anonymous.get("/open-data/organisations.csv").content.decode()
    assert anonymous.get("/organisations").json()["count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.withdraw_organisation_consent(office, world.bonn_public)
    assert anonymous.get(path).status_code == 404
    assert names(anonymous.get("/organisations")) == ["Kiel Public e.V."]
    # The count, kept per content version, too.
    assert anonymous.get("/organisations").json()["count"] == 1
    assert "Bonn Public e.V." not in anonymous.get("/open-data/organisations.csv").content.decode()
    assert "Bonn Public" not in anonymous.get("/open-data/popolo.json").content.decode()


def test_pagination(anonymous, bonn):
    for number in range(7):
        OrganisationFactory(name=f"Org {number}", municipality=bonn, public=True)
    first = anonymous.get("/organisations", {"limit": 3}).json()
    assert first["count"] == 7 and first["limit"] == 3 and first["offset"] == 0
    assert [row["name"] for row in first["results"]] == ["Org 0", "Org 1", "Org 2"]
    assert first["previous"] is None
    second = anonymous.client.get(first["next"], headers={"Accept-Language": "en"}).json()
    assert [row["name"] for row in second["results"]] == ["Org 3", "Org 4", "Org 5"]
    assert second["previous"] == "/api/v1/organisations?limit=3&offset=0"
    last = anonymous.get("/organisations", {"limit": 3, "offset": 6}).json()
    assert [row["name"] for row in last["results"]] == ["Org 6"] and last["next"] is None
    beyond = anonymous.get("/organisations", {"offset": 100}).json()
    assert beyond["results"] == [] and beyond["count"] == 7


def test_default_and_maximum_page_size(anonymous, bonn):
    assert anonymous.get("/organisations").json()["limit"] == 50
    assert anonymous.get("/organisations", {"limit": 100}).status_code == 200
    for bad in (101, 0, -1, "x"):
        response = anonymous.get("/organisations", {"limit": bad})
        assert response.status_code == 422
        assert "limit" in response.json()["detail"]


def test_filters(anonymous, bonn, kiel):
    ethiopia = Country.objects.get(code="ET")
    education = Topic.objects.get(code="sdg-4")
    first = OrganisationFactory(
        name="Äthiopischer Verein", municipality=bonn, public=True, countries=[ethiopia]
    )
    first.topics.set([education])
    first.languages.set([Language.objects.get(code="am")])
    OrganisationFactory(
        name="Eine-Welt-Laden", municipality=kiel, public=True, kind=OrganisationKind.NGO
    )
    assert names(anonymous.get("/organisations", {"country": "et"})) == ["Äthiopischer Verein"]
    assert names(anonymous.get("/organisations", {"topic": "sdg-4"})) == ["Äthiopischer Verein"]
    assert names(anonymous.get("/organisations", {"kind": "ngo"})) == ["Eine-Welt-Laden"]
    assert names(anonymous.get("/organisations", {"municipality": kiel.pk})) == ["Eine-Welt-Laden"]
    assert names(anonymous.get("/organisations", {"q": "äthiop"})) == ["Äthiopischer Verein"]
    assert names(anonymous.get("/organisations", {"q": "welt laden"})) == ["Eine-Welt-Laden"]
    assert anonymous.get("/organisations", {"kind": "pirates"}).status_code == 422
    assert anonymous.get("/organisations", {"country": "ETH"}).status_code == 422


def test_public_filter_and_updated_since(office_api, world):
    assert names(office_api.get("/organisations", {"public": "false"})) == [
        "Bonn Private e.V.",
        "Kiel Private e.V.",
    ]
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    past = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert names(office_api.get("/organisations", {"updated_since": future})) == []
    assert len(names(office_api.get("/organisations", {"updated_since": past}))) == 4
    # A naive time is read in the site's time zone.
    assert (
        office_api.get("/organisations", {"updated_since": "2020-01-01T00:00"}).status_code == 200
    )
    assert (
        office_api.get("/organisations", {"updated_since": "0001-01-01T00:00"}).status_code == 422
    )
    assert office_api.get("/organisations", {"updated_since": "yesterday"}).status_code == 422


def test_ordering_is_stable(anonymous, bonn):
    ids = [OrganisationFactory(municipality=bonn, public=True).pk for _ in range(5)]
    by_id = [
        row["id"] for row in anonymous.get("/organisations", {"order": "id"}).json()["results"]
    ]
    assert by_id == sorted(ids)
    newest = anonymous.get("/organisations", {"order": "-updated_at"}).json()["results"]
    stamps = [(row["updated_at"], row["id"]) for row in newest]
    assert stamps == sorted(stamps, reverse=True)
    assert anonymous.get("/organisations", {"order": "random"}).status_code == 422


@pytest.mark.parametrize("fixture", ["anonymous", "office_api"])
def test_the_list_needs_a_fixed_number_of_queries(
    request, fixture, bonn, django_assert_max_num_queries
):
    api = request.getfixturevalue(fixture)
    countries = list(Country.objects.all()[:3])
    topics = list(Topic.objects.all()[:3])
    for _ in range(30):
        organisation = OrganisationFactory(municipality=bonn, public=True, countries=countries)
        organisation.topics.set(topics)
    api.get("/organisations")  # the token's last use is written once
    # count, page, four many-to-many lists; with a token also the token and the roles.
    with django_assert_max_num_queries(6 if fixture == "anonymous" else 8):
        response = api.get("/organisations")
    assert len(response.json()["results"]) == 30
