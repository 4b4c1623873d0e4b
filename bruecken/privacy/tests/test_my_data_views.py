import pytest
from django.urls import reverse

from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Person

from .my_data_fixtures import held_fixture, in_german_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("in_german", "language_reset")


def page(client, user, language="de"):
    client.force_login(user)
    response = client.get(reverse("privacy:my_data").replace("/de/", f"/{language}/", 1))
    assert response.status_code == 200
    return response.content.decode()


def test_shows_every_kind_held_about_the_person(client, participant, held):
    html = page(client, participant)
    for text in [
        "Amara Diallo",  # the record
        participant.email,
        "Verein Sahel Bonn",  # membership
        "Kassenwartin",
        "Auftaktwerkstatt Bonn",  # registration and attendance
        "Zweite Werkstatt",
        "Abschlusswerkstatt",  # invitation
        "Frage zur Anmeldung",  # a message they sent (found whatever the address's case)
        "Wann beginnt die Werkstatt?",
        "Teilnehmende",  # their role
        "Amara Diallo selbst",  # who gave the consent
    ]:
        assert text in html, text
    for kind in [
        "person",
        "consents",
        "consent_history",
        "memberships",
        "registrations",
        "attendance",
        "invitations",
        "account",
        "roles",
        "messages",
        "audit_about",
    ]:
        assert f'id="section-{kind}"' in html, kind


def test_english_page(client, participant, held):
    html = page(client, participant, language="en")
    assert "<h1>My data</h1>" in html
    assert "Publication in the directory" in html


def test_an_account_without_a_person_sees_its_account_roles_and_audit(client, office, held):
    Person.objects.filter(user=office).delete()
    html = page(client, office)
    assert office.email in html
    assert 'id="section-roles"' in html
    # The consent it recorded for someone else is among what the office did.
    assert 'id="section-audit_by"' in html
    assert 'id="section-person"' not in html
    assert "Amara Diallo" in html  # the audit entry's object, by the office
    assert 'id="consents-heading"' not in html


def test_another_persons_data_is_not_shown(client, bonn_coordinator, held):
    html = page(client, bonn_coordinator)
    assert "Kassenwartin" not in html and "Frage zur Anmeldung" not in html


def test_long_histories_are_shown_in_part(client, participant, held):
    AuditEntry.objects.bulk_create(
        AuditEntry(
            user=participant,
            action=AuditEntry.Action.UPDATE,
            object_type="actors.organisation",
            object_id=str(n),
            object_repr=f"Organisation {n}",
        )
        for n in range(60)
    )
    html = page(client, participant)
    assert "Und 10 weitere Einträge im Download." in html or "10 more entries" in html


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_linked_from_the_home_page_and_the_user_menu(client, participant, held):
    client.force_login(participant)
    html = client.get(reverse("website:personal_home")).content.decode()
    assert html.count(f'href="{reverse("privacy:my_data")}"') >= 2


class TestOwnDetails:
    def test_corrects_own_details_with_an_audit_entry(self, client, participant, held):
        client.force_login(participant)
        response = client.post(
            reverse("privacy:my_data_details"),
            {"name": "Amara  Diallo-Sow", "phone": "", "language": "en", "competences": "Tanz"},
        )
        assert response.status_code == 302
        held.refresh_from_db()
        assert held.name == "Amara Diallo-Sow"
        assert held.language == "en"
        entry = AuditEntry.objects.filter(object_type="actors.person", object_id=str(held.pk))
        assert entry.filter(user=participant, changes__has_key="name").exists()

    def test_the_email_address_and_classification_stay(self, client, participant, held):
        client.force_login(participant)
        before = held.email
        client.post(
            reverse("privacy:my_data_details"),
            {
                "name": "Amara Diallo",
                "language": "de",
                "email": "new@example.org",
                "is_decision_maker": "on",
                "municipality": "",
            },
        )
        held.refresh_from_db()
        assert held.email == before and not held.is_decision_maker
        assert held.municipality is not None
        participant.refresh_from_db()
        assert participant.email == before

    def test_the_page_explains_the_email_address(self, client, participant, held):
        client.force_login(participant)
        html = client.get(reverse("privacy:my_data_details")).content.decode()
        assert participant.email in html
        assert 'name="email"' not in html

    @pytest.mark.parametrize(
        "data",
        [
            {"name": "A\x00B", "language": "de"},
            {"name": "x" * 10_000, "language": "de"},
            {"name": "Amara", "language": "xx"},
            {"name": "Amara", "language": "de", "languages": ["99999999999999999999"]},
            {"name": "Amara", "language": "de", "countries": ["\x00"]},
            {"name": "Amara", "language": "de", "phone": "+49" + "9" * 500},
            {"name": "", "language": "de"},
        ],
    )
    def test_hostile_input_is_refused_without_error(self, client, participant, held, data):
        client.force_login(participant)
        response = client.post(reverse("privacy:my_data_details"), data)
        assert response.status_code == 200
        assert "error-summary" in response.content.decode()
        held.refresh_from_db()
        assert held.name == "Amara Diallo"

    def test_without_a_person_record_there_is_nothing_to_correct(self, client, office):
        client.force_login(office)
        assert client.get(reverse("privacy:my_data_details")).status_code == 404


class TestConsentButtons:
    def test_withdraw_and_give_again(self, client, participant, held):
        client.force_login(participant)
        url = reverse("privacy:my_data_consent", args=["membership"])
        assert client.post(url, {"given": "no"}).status_code == 302
        held.refresh_from_db()
        assert held.shown_as_member is False
        client.post(url, {"given": "yes"})
        held.refresh_from_db()
        assert held.shown_as_member is True

    def test_only_by_post(self, client, participant, held):
        client.force_login(participant)
        url = reverse("privacy:my_data_consent", args=["directory"])
        assert client.get(url).status_code == 405
        held.refresh_from_db()
        assert held.is_public

    @pytest.mark.parametrize("kind", ["unknown", "consent_given_at", "x" * 300])
    def test_unknown_kinds_are_not_found(self, client, participant, held, kind):
        client.force_login(participant)
        response = client.post(reverse("privacy:my_data_consent", args=[kind]), {"given": "no"})
        assert response.status_code == 404

    def test_without_a_person_record_not_found(self, client, office):
        client.force_login(office)
        url = reverse("privacy:my_data_consent", args=["emails"])
        assert client.post(url, {"given": "no"}).status_code == 404


def test_queries_do_not_grow_with_what_is_held(client, participant, held):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bruecken.actors.tests.factories import MembershipFactory
    from bruecken.events.tests.factories import RegistrationFactory

    client.force_login(participant)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("privacy:my_data"))
    for _n in range(4):
        MembershipFactory(person=held)
        RegistrationFactory(person=held, attended=False)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("privacy:my_data"))
    assert len(many) == len(few)


def test_changes_are_named_by_their_fields(client, participant, held):
    html = page(client, participant)
    # The consent history names the field, not its code.
    assert "Einwilligung zur Veröffentlichung erteilt am: – →" in html
    assert "consent_given_at" not in html
