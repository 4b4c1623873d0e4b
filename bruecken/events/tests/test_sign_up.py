"""Representatives sign their organisation's people up for advisory seminars; coordinators
nominate their municipality's delegates for the exchange workshop."""

import re
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.events import services
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.programs.tests.factories import ProgramFactory


@pytest.fixture
def program(bonn, kiel):
    return ProgramFactory(municipalities=[bonn, kiel])


@pytest.fixture
def seminar(program):
    return EventFactory(
        process=None, program=program, kind=WorkshopKind.SEMINAR, admission=Admission.OPEN
    )


@pytest.fixture
def exchange(program):
    return EventFactory(
        process=None,
        program=program,
        kind=WorkshopKind.EXCHANGE,
        admission=Admission.DELEGATES,
        capacity=10,
        places_per_municipality=2,
    )


@pytest.fixture
def organisation(bonn):
    return OrganisationFactory(municipality=bonn)


@pytest.fixture
def representative(organisation):
    return user_with_role(Role.REPRESENTATIVE, organisation=organisation)


def test_representative_signs_up_own_members_only(seminar, organisation, representative):
    members = [MembershipFactory(organisation=organisation).person for _ in range(2)]
    former = MembershipFactory(organisation=organisation, ended_on="2020-01-01").person
    outsider = PersonFactory()
    assert set(services.nominable_people(representative, seminar)) == set(members)
    registrations = services.sign_up(representative, seminar, members)
    assert {r.source for r in registrations} == {Registration.Source.NOMINATED}
    for person in (former, outsider):
        with pytest.raises(PermissionDenied):
            services.sign_up(representative, seminar, [person])


def test_all_or_nothing(seminar, organisation, representative):
    first, second = (MembershipFactory(organisation=organisation).person for _ in range(2))
    services.take_place(seminar, second, source=Registration.Source.SELF)
    with pytest.raises(services.Refused):
        services.sign_up(representative, seminar, [first, second])
    assert not Registration.objects.filter(person=first).exists()


def test_representatives_do_not_nominate_delegates(exchange, organisation, representative):
    MembershipFactory(organisation=organisation)
    assert not services.nominable_people(representative, exchange).exists()


def test_coordinator_nominates_delegates_within_the_places(exchange, bonn, bonn_coordinator):
    delegates = PersonFactory.create_batch(3, municipality=bonn)
    services.sign_up(bonn_coordinator, exchange, delegates[:2])
    with pytest.raises(services.Refused) as refusal:
        services.sign_up(bonn_coordinator, exchange, delegates[2:])
    assert refusal.value.code == "delegate_places"


def test_coordinator_of_another_program_cannot(exchange, kiel_coordinator, bonn):
    with pytest.raises(PermissionDenied):
        services.sign_up(kiel_coordinator, exchange, [PersonFactory(municipality=bonn)])


def test_local_workshops_have_no_nominations(bonn, bonn_coordinator):
    workshop = EventFactory(process__municipality=bonn)
    assert not services.nominable_people(bonn_coordinator, workshop).exists()


def sign_up_url(event):
    return f"/en/participate/events/{event.pk}/sign-up/"


def searched(client, event, text):
    """The names the picker offers for `text`, both ways: the search step without JavaScript
    (the sign-up view brings the page back with the matches) and the search view the page's
    script asks (with the form's signed scope). Both must agree."""
    step = client.post(sign_up_url(event), {"picker_search": "people", "people__search": text})
    assert step.status_code == 200
    matches, _more = step.context["nominate_form"].fields["people"].matches(text)
    html = step.content.decode()
    assert all(f'value="{item["value"]}"' in html for item in matches)
    search_url = re.search(r'data-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    found = client.get(f"{search_url}&{urlencode({'q': text})}").json()["results"]
    assert {row["label"] for row in found} == {item["label"] for item in matches}
    return {item["label"] for item in matches}


def test_sign_up_view(client, seminar, organisation, representative):
    member = MembershipFactory(organisation=organisation, person__name="Amara Probe").person
    PersonFactory(name="Fremde Probe", municipality=organisation.municipality)
    client.force_login(representative)
    assert searched(client, seminar, "probe") == {"Amara Probe"}
    response = client.post(sign_up_url(seminar), {"people": [member.pk]})
    assert response.status_code == 302
    assert Registration.objects.filter(event=seminar, person=member).exists()
    # Already on the list: no longer offered, and refused when posted again.
    assert searched(client, seminar, "probe") == set()
    again = client.post(sign_up_url(seminar), {"people": [member.pk]})
    assert again.status_code == 200
    assert again.context["nominate_form"].errors
    assert Registration.objects.filter(event=seminar).count() == 1


def test_page_lists_no_one_until_searched(client, seminar, office):
    PersonFactory(name="Entscheiderin Probe")
    client.force_login(office)
    html = client.get(f"/en/participate/events/{seminar.pk}/").content.decode()
    assert "Entscheiderin" not in html
    assert 'role="combobox"' in html
    assert 'name="people__search"' in html
    assert searched(client, seminar, "entscheiderin") == {"Entscheiderin Probe"}


def test_coordinator_cannot_post_another_municipalitys_people(
    client, exchange, bonn, kiel, bonn_coordinator
):
    PersonFactory(name="Bonner Probe", municipality=bonn)
    stranger = PersonFactory(name="Kieler Probe", municipality=kiel)
    client.force_login(bonn_coordinator)
    assert searched(client, exchange, "probe") == {"Bonner Probe"}
    response = client.post(sign_up_url(exchange), {"people": [stranger.pk]})
    assert response.status_code == 200
    assert response.context["nominate_form"].errors
    assert not Registration.objects.exists()


def test_no_sign_up_form_for_whom_may_sign_up_no_one(client, seminar, participant):
    client.force_login(participant)
    page = client.get(f"/en/participate/events/{seminar.pk}/")
    assert page.context["nominate_form"] is None
    response = client.post(sign_up_url(seminar), {"people": [PersonFactory().pk]})
    assert response.status_code == 302
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"people": ["x", "999999"]},
        {"people": ["99999999999999999999999"]},
        {"people": ["1\x00"]},
        {"people": ["x" * 10_000]},
        {"people": ["-1", "1.5"]},
        {"people__search": "\x00"},
        {"people__search": "x" * 10_000, "picker_search": "people"},
        {"people__search": "\u202e😀\ufffd", "picker_search": "people"},
    ],
)
def test_hostile_input_is_a_form_error(client, seminar, organisation, representative, data):
    MembershipFactory(organisation=organisation)
    client.force_login(representative)
    response = client.post(sign_up_url(seminar), data)
    assert response.status_code == 200
    assert response.context["nominate_form"].errors
    assert not Registration.objects.exists()


def test_queries_do_not_grow_with_the_people(
    client, exchange, bonn, bonn_coordinator, django_assert_max_num_queries
):
    """The page names no one but the chosen: its queries are the same for 3 people of the
    municipality or 60, signed up or not."""
    client.force_login(bonn_coordinator)
    page = f"/en/participate/events/{exchange.pk}/"
    PersonFactory.create_batch(3, municipality=bonn)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    people = PersonFactory.create_batch(60, municipality=bonn)
    services.sign_up(bonn_coordinator, exchange, people[:2])
    with django_assert_max_num_queries(len(few)):
        assert client.get(page).status_code == 200
    # The chosen shown again with the search step: one query for them all.
    chosen = [p.pk for p in people[2:]]
    step = {"people__search": "person", "picker_search": "people"}
    with CaptureQueriesContext(connection) as two:
        client.post(sign_up_url(exchange), {"people": chosen[:2], **step})
    with django_assert_max_num_queries(len(two)):
        response = client.post(sign_up_url(exchange), {"people": chosen, **step})
    assert response.content.decode().count("checked>") >= len(chosen)
