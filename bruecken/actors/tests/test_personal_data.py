"""What actors holds about a person (personal_data.py) and the model-level consent queries."""

from bruecken import personal_data
from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors import personal_data as actors_data
from bruecken.actors import services
from bruecken.actors.models import Membership, Person
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory


def kinds(sections):
    return {section.kind: section for section in sections}


def test_collects_record_memberships_consents_and_their_history(office, bonn):
    person = PersonFactory(name="Lina Haddad", municipality=bonn)
    services.give_person_consent(office, person, "Lina selbst")
    MembershipFactory(person=person, organisation=OrganisationFactory(name="Cedar e.V."))
    found = kinds(personal_data.collect(person))
    assert found["person"].rows[0]["name"] == "Lina Haddad"
    assert found["person"].rows[0]["municipality"] == "Bonn"
    assert found["memberships"].rows[0]["organisation"] == "Cedar e.V."
    consents = {row["kind"]: row["given"] for row in found["consents"].rows}
    assert consents == {"directory": True, "membership": True, "emails": True}
    (change,) = found["consent_history"].rows
    assert change["by"] == str(office) and "consent_given_by" in change["changes"]


def test_collects_nothing_of_another_person(office, bonn):
    person = PersonFactory(municipality=bonn)
    MembershipFactory(person=PersonFactory())
    found = kinds(personal_data.collect(person))
    assert "memberships" not in found and "consent_history" not in found


def test_an_account_without_a_person(db):
    user = UserFactory()
    found = kinds(personal_data.collect(None, user))
    assert found["account"].rows[0]["email"] == user.email
    assert "person" not in found and "consents" not in found


def test_preview_reads_part_and_counts_all(bonn):
    person = PersonFactory(municipality=bonn)
    for _n in range(3):
        MembershipFactory(person=person)
    with personal_data.preview(2):
        section = actors_data.collect_memberships(person, None)
    assert len(section.rows) == 2 and section.total == 3


def test_public_memberships_need_both_consents_and_the_persons_wish(bonn):
    organisation = OrganisationFactory(municipality=bonn, public=True)
    shown = MembershipFactory(person=PersonFactory(public=True), organisation=organisation)
    MembershipFactory(
        person=PersonFactory(public=True, shown_as_member=False), organisation=organisation
    )
    MembershipFactory(person=PersonFactory(), organisation=organisation)
    assert list(Membership.objects.public()) == [shown]


def test_visible_memberships_by_role(bonn, kiel, bonn_coordinator, kiel_coordinator, office):
    organisation = OrganisationFactory(municipality=bonn, public=True)
    hidden = MembershipFactory(
        person=PersonFactory(municipality=bonn, public=True, shown_as_member=False),
        organisation=organisation,
    )
    assert hidden not in Membership.objects.visible_to(UserFactory())
    assert hidden not in Membership.objects.visible_to(kiel_coordinator)
    assert hidden in Membership.objects.visible_to(bonn_coordinator)
    assert hidden in Membership.objects.visible_to(office)


def test_accepting_emails(db):
    yes = PersonFactory()
    PersonFactory(accepts_emails=False)
    assert list(Person.objects.accepting_emails()) == [yes]


def test_staff_see_what_the_person_withdrew(client, office, bonn):
    from django.urls import reverse
    from django.utils import translation

    person = PersonFactory(municipality=bonn, shown_as_member=False, accepts_emails=False)
    client.force_login(office)
    with translation.override("de"):
        address = reverse("actors:person_detail", args=[person.pk])
    html = client.get(address).content.decode()
    assert "als Mitglied ihrer Organisationen genannt zu werden" in html
    assert "keine Erinnerungen per E-Mail" in html
    person.shown_as_member = person.accepts_emails = True
    person.save()
    html = client.get(address).content.decode()
    assert "keine Erinnerungen per E-Mail" not in html
