"""What a reader finds actors by (`search_as`, bruecken/actors/searching.py): e-mail addresses and
a person's countries only where the reader may see that person's contact details, in the staff
list, the global search, the people picker and the API alike."""

import json

import pytest
from django.urls import reverse

from bruecken import fulltext
from bruecken.actors.models import Organisation, Person, email_address
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.places.models import Country

pytestmark = pytest.mark.django_db

ADDRESS = "abebe.bekele@tigray.example"


@pytest.fixture
def abebe(bonn):
    """A published person of Bonn: Kiel's coordinator sees them, but not their contact details."""
    person = PersonFactory(name="Abebe Bekele", email=ADDRESS, municipality=bonn, public=True)
    person.countries.set([Country.objects.get(code="ER")])
    return person


def names(queryset):
    return [person.name for person in queryset]


def test_the_address_is_in_no_document(abebe):
    assert names(Person.objects.search("tigray")) == []
    assert names(Person.objects.search(ADDRESS)) == []


def test_found_by_address_only_where_contact_details_are_seen(
    abebe, office, bonn_coordinator, kiel_coordinator
):
    for user in (office, bonn_coordinator):
        found = Person.objects.visible_to(user).search_as(user, ADDRESS.upper())
        assert names(found) == ["Abebe Bekele"]
    # Kiel's coordinator sees the published person, not their address: no match by it.
    assert names(Person.objects.visible_to(kiel_coordinator)) == ["Abebe Bekele"]
    assert (
        names(Person.objects.visible_to(kiel_coordinator).search_as(kiel_coordinator, ADDRESS))
        == []
    )
    # The address is matched whole, never in part.
    assert names(Person.objects.search_as(office, "bekele@tigray.example")) == []


def test_countries_only_where_private_details_are_seen(abebe, bonn_coordinator, kiel_coordinator):
    assert names(Person.objects.search_as(bonn_coordinator, "Eritrea")) == ["Abebe Bekele"]
    assert names(Person.objects.search_as(kiel_coordinator, "Eritrea")) == []
    # By name all who see the person find them, in any combination with the private part only
    # where allowed.
    assert names(Person.objects.search_as(kiel_coordinator, "Abebe")) == ["Abebe Bekele"]
    assert names(Person.objects.search_as(kiel_coordinator, "Abebe Eritrea")) == []
    assert names(Person.objects.search_as(bonn_coordinator, "Abebe Eritrea")) == ["Abebe Bekele"]


def test_the_public_part_holds_for_the_first_page_and_in_a_subquery(
    abebe, bonn, bonn_coordinator, kiel_coordinator
):
    """The public part is asked of the document the search found (PostgreSQL) or by a second
    search in the index tables (SQLite): the first page (`head`, by tiers: "bekele" begins a
    word in two names, is inside one in the third) and a subquery of the search agree with the
    whole of it."""
    inside = PersonFactory(name="Selam Tsebekele", municipality=bonn, public=True)
    yonas = PersonFactory(name="Yonas Bekele", municipality=bonn, public=True)
    for person in (inside, yonas):
        person.countries.set([Country.objects.get(code="ER")])
    for user, text, expected in [
        (kiel_coordinator, "bekele", ["Abebe Bekele", "Yonas Bekele", "Selam Tsebekele"]),
        (kiel_coordinator, "bekele eritrea", []),
        (bonn_coordinator, "bekele eritrea", ["Abebe Bekele", "Yonas Bekele", "Selam Tsebekele"]),
    ]:
        searched = Person.objects.visible_to(user).search_as(user, text)
        assert names(searched) == expected
        assert names(fulltext.head(searched, 2)) == expected[:2]
        nested = Person.objects.filter(pk__in=searched.values("pk"))
        assert sorted(names(nested)) == sorted(expected)


def test_a_member_of_a_kiel_organisation_is_kiels_too(abebe, kiel, kiel_coordinator):
    MembershipFactory(person=abebe, organisation=OrganisationFactory(municipality=kiel))
    assert names(Person.objects.search_as(kiel_coordinator, ADDRESS)) == ["Abebe Bekele"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ADDRESS, ADDRESS),
        (f"  {ADDRESS.upper()} ", ADDRESS),
        ("abebe", None),
        ("a@b", None),
        ("two@words.example more", None),
        ("x\x00@y.example", None),
        ("@" * 300, None),
        ("", None),
        (None, None),
    ],
)
def test_email_address(text, expected):
    assert email_address(text) == expected


def test_staff_list_global_search_and_api(client, abebe, kiel_coordinator, bonn_coordinator):
    client.force_login(kiel_coordinator)
    html = client.get(reverse("actors:person_list"), {"q": ADDRESS}).content.decode()
    assert "Abebe Bekele" not in html
    response = client.get(reverse("website:search"), {"q": ADDRESS})
    assert "Abebe Bekele" not in response.content.decode()
    response = client.get(reverse("website:search"), {"q": "tigray"})
    assert "Abebe Bekele" not in response.content.decode()
    response = client.get(reverse("picker", args=["people"]), {"q": "tigray"})
    assert json.loads(response.content)["results"] == []
    # Bonn's coordinator, who may see the address, finds the person by it.
    client.force_login(bonn_coordinator)
    html = client.get(reverse("actors:person_list"), {"q": ADDRESS}).content.decode()
    assert "Abebe Bekele" in html
    response = client.get(reverse("website:search"), {"q": ADDRESS})
    assert "Abebe Bekele" in response.content.decode()


def test_organisations_keep_their_public_address(bonn, kiel_coordinator):
    # An organisation's address is shown wherever it is: it stays in the public part.
    OrganisationFactory(name="Kreis", municipality=bonn, email="info@kreis.example", public=True)
    found = Organisation.objects.visible_to(kiel_coordinator).search_as(
        kiel_coordinator, "info@kreis.example"
    )
    assert [o.name for o in found] == ["Kreis"]
