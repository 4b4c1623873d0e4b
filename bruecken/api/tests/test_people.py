import pytest

from bruecken.actors import services as actor_services
from bruecken.actors.tests.factories import MembershipFactory, PersonFactory


def rows(response):
    assert response.status_code == 200, response.content
    return {row["name"]: row for row in response.json()["results"]}


def test_anonymous_sees_consenting_people_with_current_public_memberships(anonymous, world):
    people = rows(anonymous.get("/people"))
    assert list(people) == ["Amina Public"]
    amina = people["Amina Public"]
    # Not the non-public organisation, not the ended membership.
    assert [(m["organisation"]["name"], m["role"]) for m in amina["memberships"]] == [
        ("Bonn Public e.V.", "Vorsitz")
    ]
    assert amina["details"] is False
    assert amina["email"] is None and amina["countries"] is None and amina["phone"] is None


def test_a_coordinator_sees_the_people_of_their_municipality_with_details(bonn_api, world):
    people = rows(bonn_api.get("/people"))
    assert list(people) == ["Amina Public", "Bert Private"]
    assert people["Bert Private"]["details"] is True
    assert people["Bert Private"]["email"] == world.private_person.email
    memberships = {m["organisation"]["name"] for m in people["Amina Public"]["memberships"]}
    # The non-public Bonn organisation is theirs; the ended membership shows with its dates.
    assert memberships == {"Bonn Private e.V.", "Bonn Public e.V.", "Kiel Public e.V."}


def test_another_coordinator_sees_public_people_without_details(kiel_api, world, bonn):
    PersonFactory(name="Cem Bonn", municipality=bonn, public=True)
    people = rows(kiel_api.get("/people"))
    assert list(people) == ["Amina Public", "Cem Bonn", "Kai Kiel"]
    assert people["Cem Bonn"]["details"] is False
    assert people["Cem Bonn"]["email"] is None
    assert people["Kai Kiel"]["details"] is True
    # Amina once belonged to a Kiel organisation: Kiel's coordinator has her details, as in
    # the staff area (actors/scopes.py).
    assert people["Amina Public"]["details"] is True


def test_detail(anonymous, bonn_api, kiel_api, world):
    path = f"/people/{world.private_person.pk}"
    assert anonymous.get(path).status_code == 404
    assert kiel_api.get(path).status_code == 404
    assert bonn_api.get(path).json()["name"] == "Bert Private"


def test_anonymous_search_does_not_match_e_mail_addresses(anonymous, world):
    assert rows(anonymous.get("/people", {"q": "amina"})).keys() == {"Amina Public"}
    assert rows(anonymous.get("/people", {"q": world.public_person.email})) == {}


def test_filter_by_organisation_and_municipality(anonymous, bonn_api, world, kiel):
    by_org = rows(anonymous.get("/people", {"organisation": world.bonn_public.pk}))
    # Bert belongs to it too, but did not consent.
    assert list(by_org) == ["Amina Public"]
    assert rows(anonymous.get("/people", {"organisation": world.kiel_public.pk})) == {}
    assert list(rows(bonn_api.get("/people", {"municipality": kiel.pk}))) == ["Amina Public"]


def test_withdrawn_consent_hides_at_once(
    anonymous, office, world, django_capture_on_commit_callbacks, page_cache
):
    assert anonymous.get(f"/people/{world.public_person.pk}").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.withdraw_person_consent(office, world.public_person)
    assert anonymous.get(f"/people/{world.public_person.pk}").status_code == 404
    assert rows(anonymous.get("/people")) == {}
    assert "Amina" not in anonymous.get("/open-data/popolo.json").content.decode()
    assert "Amina" not in anonymous.get("/open-data/persons.csv").content.decode()


@pytest.mark.parametrize("fixture", ["anonymous", "bonn_api"])
def test_the_list_needs_a_fixed_number_of_queries(
    request, fixture, world, django_assert_max_num_queries
):
    api = request.getfixturevalue(fixture)
    for _ in range(20):
        person = PersonFactory(municipality=world.bonn_public.municipality, public=True)
        MembershipFactory(person=person, organisation=world.bonn_public)
    api.get("/people")
    # count, page, memberships; with a token also languages, countries, the token, the roles.
    with django_assert_max_num_queries(3 if fixture == "anonymous" else 7):
        response = api.get("/people")
    assert response.json()["count"] >= 21
