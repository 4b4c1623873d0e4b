import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import Membership, Organisation, Person, Tie
from bruecken.actors.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TieFactory,
)
from bruecken.places.models import Country
from bruecken.tests.helpers import url_maker

url = url_maker("actors", language="en")


@pytest.fixture
def ghana():
    return Country.objects.get(code="GH")


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(url("organisation_list"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_participant_has_no_staff_area(self, client, participant):
        client.force_login(participant)
        assert client.get(url("organisation_list")).status_code == 403
        assert client.get(url("person_list")).status_code == 403

    @pytest.mark.parametrize(
        "name", ["organisation_list", "person_list", "organisation_create", "person_create"]
    )
    def test_coordinator_opens_registry_pages(self, client, bonn_coordinator, name):
        client.force_login(bonn_coordinator)
        assert client.get(url(name)).status_code == 200

    def test_facilitator_reads_but_cannot_create(self, client, bonn_facilitator):
        client.force_login(bonn_facilitator)
        assert client.get(url("organisation_list")).status_code == 200
        assert client.get(url("organisation_create")).status_code == 403


class TestOrganisationList:
    def test_lists_only_what_the_user_may_see(self, client, bonn, kiel, kiel_coordinator):
        OrganisationFactory(name="Bonn privat", municipality=bonn)
        OrganisationFactory(name="Bonn öffentlich", municipality=bonn, public=True)
        OrganisationFactory(name="Kiel privat", municipality=kiel)
        client.force_login(kiel_coordinator)
        content = client.get(url("organisation_list")).content.decode()
        assert "Kiel privat" in content
        assert "Bonn öffentlich" in content
        assert "Bonn privat" not in content

    def test_filter_by_country_and_search(self, client, bonn, bonn_coordinator, ghana):
        engaged = OrganisationFactory(name="Ghana Union Bonn", municipality=bonn)
        engaged.countries.add(ghana)
        OrganisationFactory(name="Bolivien-Kreis Bonn", municipality=bonn)
        client.force_login(bonn_coordinator)
        content = client.get(url("organisation_list"), {"country": "GH"}).content.decode()
        assert "Ghana Union Bonn" in content
        assert "Bolivien-Kreis" not in content
        content = client.get(url("organisation_list"), {"q": "BOLIVIEN"}).content.decode()
        assert "Bolivien-Kreis" in content
        assert "Ghana Union" not in content

    def test_search_folds_umlauts_on_every_database(self, client, bonn, bonn_coordinator):
        OrganisationFactory(name="Äthiopischer Verein Düren", municipality=bonn)
        client.force_login(bonn_coordinator)
        content = client.get(url("organisation_list"), {"q": "äthiopischer düren"}).content
        assert "Äthiopischer Verein Düren" in content.decode()

    def test_region_filter_lists_an_organisation_once(self, client, bonn, bonn_coordinator):
        organisation = OrganisationFactory(name="Westafrika-Netz", municipality=bonn)
        organisation.countries.set(Country.objects.filter(code__in=["GH", "TG", "BJ"]))
        client.force_login(bonn_coordinator)
        response = client.get(url("organisation_list"), {"region": "002"})
        assert response.context["page"].paginator.count == 1

    @pytest.mark.parametrize(
        "query",
        [
            {"country": "XX"},
            {"municipality": "abc"},
            {"municipality": "999999"},
            {"kind": "club"},
            {"region": "'; drop table"},
            {"page": "abc"},
            {"page": "-1"},
            {"page": "99999"},
            {"q": "x" * 5000},
            {"topic": ["sdg-4", "sdg-5"], "language": "\x00"},
        ],
    )
    def test_malformed_parameters_never_fail(self, client, bonn_coordinator, query):
        client.force_login(bonn_coordinator)
        response = client.get(url("organisation_list"), query)
        assert response.status_code == 200

    def test_invalid_filter_is_named_and_the_rest_applies(self, client, bonn, bonn_coordinator):
        OrganisationFactory(name="Weltladen Bonn", municipality=bonn, kind="ngo")
        OrganisationFactory(name="Ghana Union Bonn", municipality=bonn)
        client.force_login(bonn_coordinator)
        response = client.get(url("organisation_list"), {"country": "XX", "kind": "ngo"})
        content = response.content.decode()
        assert "Some filters were not valid" in content
        assert "Weltladen Bonn" in content
        assert "Ghana Union" not in content

    def test_htmx_gets_only_the_results(self, client, bonn_coordinator):
        client.force_login(bonn_coordinator)
        response = client.get(url("organisation_list"), HTTP_HX_REQUEST="true")
        assert b"<html" not in response.content
        assert b"organisations found" in response.content
        assert "HX-Request" in response["Vary"]
        restore = client.get(
            url("organisation_list"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
        )
        assert b"<html" in restore.content

    def test_query_count_does_not_grow_with_rows(self, client, bonn, bonn_coordinator, ghana):
        client.force_login(bonn_coordinator)

        def queries_for_page():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url("organisation_list")).status_code == 200
            return len(queries)

        OrganisationFactory.create_batch(3, municipality=bonn, countries=[ghana])
        few = queries_for_page()
        for organisation in OrganisationFactory.create_batch(22, municipality=bonn):
            organisation.countries.set(Country.objects.filter(code__in=["GH", "TG"]))
        many = queries_for_page()
        assert few == many
        # Session, user with their registry entry, roles, six filter option lists, count, page,
        # countries.
        assert many <= 12


class TestOrganisationDetail:
    def test_coordinator_sees_everything(self, client, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn, email="info@verein.example")
        MembershipFactory(organisation=organisation, person=PersonFactory(name="Abena Mensah"))
        client.force_login(bonn_coordinator)
        content = client.get(organisation.get_absolute_url()).content.decode()
        assert "info@verein.example" in content
        assert "Abena Mensah" in content
        assert 'id="history-heading"' in content

    def test_other_coordinator_sees_public_profile_only(self, client, bonn, kiel_coordinator):
        organisation = OrganisationFactory(municipality=bonn, public=True)
        MembershipFactory(organisation=organisation, person=PersonFactory(name="Abena Mensah"))
        client.force_login(kiel_coordinator)
        response = client.get(organisation.get_absolute_url())
        assert response.status_code == 200
        content = response.content.decode()
        assert "Abena Mensah" not in content
        assert 'id="history-heading"' not in content
        assert reverse("actors:organisation_edit", args=[organisation.pk]) not in content

    def test_other_coordinator_refused_non_public(self, client, bonn, kiel_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        client.force_login(kiel_coordinator)
        assert client.get(organisation.get_absolute_url()).status_code == 403

    def test_unknown_id_is_404(self, client, bonn_coordinator):
        client.force_login(bonn_coordinator)
        assert client.get(url("organisation_detail", 987654)).status_code == 404


class TestOrganisationEditing:
    def test_create(self, client, bonn, bonn_coordinator, ghana):
        client.force_login(bonn_coordinator)
        response = client.post(
            url("organisation_create"),
            {
                "name": "Ghana Union Bonn",
                "kind": "migrant_organisation",
                "municipality": bonn.pk,
                "countries": [ghana.pk],
                "phone": "0228 123456",
            },
        )
        organisation = Organisation.objects.get()
        assert response.status_code == 302
        assert response["Location"] == organisation.get_absolute_url()
        assert str(organisation.phone) == "+49228123456"
        assert AuditEntry.objects.filter(action="create").count() == 1

    def test_duplicate_refused_with_link_to_existing(self, client, bonn, bonn_coordinator):
        existing = OrganisationFactory(name="Weltladen Bonn", municipality=bonn)
        client.force_login(bonn_coordinator)
        response = client.post(
            url("organisation_create"),
            {"name": "WELTLADEN  bonn", "kind": "ngo", "municipality": bonn.pk},
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert "already exists in Bonn" in content
        assert f'href="{existing.get_absolute_url()}"' in content
        assert Organisation.objects.count() == 1

    def test_field_errors_in_german(self, client, bonn, bonn_coordinator):
        client.force_login(bonn_coordinator)
        response = client.post(
            url("organisation_create", language="de"),
            {
                "name": "",
                "kind": "ngo",
                "municipality": bonn.pk,
                "website": "kein link",
                "phone": "12",
            },
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) == {"name", "website", "phone"}
        assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
        assert not Organisation.objects.exists()

    def test_coordinator_offered_own_municipality_only(self, client, bonn, kiel, kiel_coordinator):
        client.force_login(kiel_coordinator)
        response = client.get(url("organisation_create"))
        assert list(response.context["form"].fields["municipality"].queryset) == [kiel]
        response = client.post(
            url("organisation_create"), {"name": "X", "kind": "ngo", "municipality": bonn.pk}
        )
        assert "municipality" in response.context["form"].errors
        assert not Organisation.objects.exists()

    def test_kiel_refused_bonn_edit_page(self, client, bonn, kiel_coordinator):
        organisation = OrganisationFactory(municipality=bonn, public=True)
        client.force_login(kiel_coordinator)
        assert client.get(url("organisation_edit", organisation.pk)).status_code == 403
        response = client.post(
            url("organisation_edit", organisation.pk),
            {"name": "Übernommen", "kind": "ngo", "municipality": organisation.municipality_id},
        )
        assert response.status_code == 403
        organisation.refresh_from_db()
        assert organisation.name != "Übernommen"

    def test_edit_shows_in_history(self, client, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn, kind="ngo")
        client.force_login(bonn_coordinator)
        response = client.post(
            url("organisation_edit", organisation.pk),
            {
                "name": organisation.name,
                "kind": "ngo",
                "municipality": bonn.pk,
                "description": "Wir vermitteln Kontakte nach Ghana.",
            },
        )
        assert response.status_code == 302
        content = client.get(organisation.get_absolute_url()).content.decode()
        assert "Wir vermitteln Kontakte nach Ghana." in content
        history = client.get(organisation.get_absolute_url()).context["history"]
        assert history[0]["changes"] == [
            {"field": "description", "old": "–", "new": "Wir vermitteln Kontakte nach Ghana."}
        ]

    def test_representative_cannot_move_organisation(self, client, bonn, kiel):
        organisation = OrganisationFactory(municipality=bonn, kind="ngo")
        representative = user_with_role(Role.REPRESENTATIVE, organisation=organisation)
        client.force_login(representative)
        response = client.post(
            url("organisation_edit", organisation.pk),
            {
                "name": organisation.name,
                "kind": "ngo",
                "municipality": kiel.pk,
                "description": "Neu",
            },
        )
        assert response.status_code == 302
        organisation.refresh_from_db()
        assert organisation.municipality == bonn
        assert organisation.description == "Neu"

    def test_delete_needs_post(self, client, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        client.force_login(bonn_coordinator)
        assert client.get(url("organisation_delete", organisation.pk)).status_code == 200
        assert Organisation.objects.exists()
        response = client.post(url("organisation_delete", organisation.pk), {"confirm": "yes"})
        assert response.status_code == 302
        assert not Organisation.objects.exists()

    def test_consent_give_and_withdraw(self, client, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        client.force_login(bonn_coordinator)
        consent_url = url("organisation_consent", organisation.pk)
        assert client.get(consent_url).status_code == 405
        response = client.post(consent_url, {"consent_given_by": ""})
        assert response.status_code == 200
        assert not Organisation.objects.get().is_public
        client.post(consent_url, {"consent_given_by": "Vorstand"})
        assert Organisation.objects.get().is_public
        client.post(consent_url, {"action": "withdraw", "confirm": "yes"})
        assert not Organisation.objects.get().is_public


class TestMembershipsAndTies:
    def test_add_edit_remove_membership(self, client, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        person = PersonFactory(municipality=bonn)
        client.force_login(bonn_coordinator)
        response = client.post(
            url("membership_add", organisation.pk),
            {"person": person.pk, "role": "Vorsitz", "is_contact": "on"},
        )
        assert response.status_code == 302
        membership = Membership.objects.get()
        assert membership.is_contact
        client.post(
            url("membership_edit", membership.pk),
            {
                "person": person.pk,
                "role": "Kasse",
                "started_on": "2021-05-01",
                "ended_on": "2020-01-01",
            },
        )
        assert Membership.objects.get().role == "Vorsitz"
        client.post(url("membership_edit", membership.pk), {"delete": "1", "confirm": "yes"})
        assert not Membership.objects.exists()

    @pytest.mark.parametrize(
        ("language", "message"),
        [
            ("de", "Diese Person ist für diesen Zeitraum bereits Mitglied dieser Organisation."),
            ("en", "This person is already a member of this organisation for that time."),
        ],
    )
    def test_adding_a_member_twice_says_so_at_the_person(
        self, client, bonn, bonn_coordinator, language, message
    ):
        organisation = OrganisationFactory(municipality=bonn)
        person = PersonFactory(municipality=bonn)
        client.force_login(bonn_coordinator)
        add = url("membership_add", organisation.pk, language=language)
        assert client.post(add, {"person": person.pk}).status_code == 302
        response = client.post(add, {"person": person.pk, "role": "Kasse"})
        assert response.status_code == 200
        assert response.context["form"].errors["person"] == [message]
        assert Membership.objects.count() == 1

    def test_membership_person_choices_are_scoped(self, client, bonn, kiel, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        hidden = PersonFactory(municipality=kiel)
        client.force_login(bonn_coordinator)
        response = client.post(url("membership_add", organisation.pk), {"person": hidden.pk})
        assert "person" in response.context["form"].errors
        assert not Membership.objects.exists()

    def test_add_edit_remove_tie(self, client, bonn, kiel, kiel_coordinator):
        kiel_organisation = OrganisationFactory(municipality=kiel)
        bonn_organisation = OrganisationFactory(municipality=bonn, public=True)
        client.force_login(kiel_coordinator)
        response = client.post(
            url("tie_add", kiel_organisation.pk),
            {"target": bonn_organisation.pk, "kind": "joint_project", "started_on": "2009-03-01"},
        )
        assert response.status_code == 302
        tie = Tie.objects.get()
        edit_url = url("tie_edit", bonn_organisation.pk, tie.pk)
        response = client.post(edit_url, {"kind": "cooperation", "note": "weiter so"})
        assert response["Location"] == bonn_organisation.get_absolute_url()
        assert Tie.objects.get().note == "weiter so"
        client.post(edit_url, {"delete": "1", "confirm": "yes"})
        assert not Tie.objects.exists()

    def test_tie_with_itself_is_a_form_error(self, client, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        client.force_login(bonn_coordinator)
        response = client.post(
            url("tie_add", organisation.pk), {"target": organisation.pk, "kind": "cooperation"}
        )
        assert response.status_code == 200
        assert "target" in response.context["form"].errors

    def test_outsider_cannot_open_tie(self, client, bonn, kiel_coordinator):
        tie = TieFactory(
            source=OrganisationFactory(municipality=bonn, public=True),
            target=OrganisationFactory(municipality=bonn, public=True),
        )
        client.force_login(kiel_coordinator)
        assert client.get(url("tie_edit", tie.source_id, tie.pk)).status_code == 403


class TestPeopleViews:
    def test_list_and_filters(self, client, bonn, kiel, bonn_coordinator):
        PersonFactory(name="Abena Mensah", municipality=bonn, is_multiplier=True)
        PersonFactory(name="Kofi Asante", municipality=bonn)
        PersonFactory(name="Neema Mwangi", municipality=kiel)
        client.force_login(bonn_coordinator)
        content = client.get(url("person_list")).content.decode()
        assert "Abena Mensah" in content
        assert "Neema Mwangi" not in content
        content = client.get(url("person_list"), {"role": "multiplier"}).content.decode()
        assert "Abena Mensah" in content
        assert "Kofi Asante" not in content
        assert client.get(url("person_list"), {"municipality": "x", "page": "y"}).status_code == 200

    def test_person_list_query_count_is_constant(self, client, bonn, bonn_coordinator):
        client.force_login(bonn_coordinator)
        PersonFactory.create_batch(2, municipality=bonn)
        with CaptureQueriesContext(connection) as few:
            client.get(url("person_list"))
        PersonFactory.create_batch(30, municipality=bonn)
        with CaptureQueriesContext(connection) as many:
            client.get(url("person_list"))
        assert len(few) == len(many)

    def test_private_details_only_for_stewards(self, client, bonn, kiel_coordinator):
        person = PersonFactory(municipality=bonn, email="abena@example.org", public=True)
        client.force_login(kiel_coordinator)
        response = client.get(person.get_absolute_url())
        assert response.status_code == 200
        assert b"abena@example.org" not in response.content
        hidden = PersonFactory(municipality=bonn)
        assert client.get(hidden.get_absolute_url()).status_code == 403

    def test_create_edit_delete(self, client, bonn, bonn_coordinator):
        client.force_login(bonn_coordinator)
        response = client.post(
            url("person_create"),
            {
                "name": "Kwame Owusu",
                "email": "KWAME@example.org",
                "municipality": bonn.pk,
                "language": "en",
            },
        )
        person = Person.objects.get()
        assert response["Location"] == person.get_absolute_url()
        assert person.email == "kwame@example.org"
        assert person.language == "en"
        client.post(
            url("person_edit", person.pk),
            {
                "name": "Kwame Owusu",
                "municipality": bonn.pk,
                "language": "en",
                "is_decision_maker": "on",
            },
        )
        assert Person.objects.get().is_decision_maker
        client.post(url("person_delete", person.pk), {"confirm": "yes"})
        assert not Person.objects.exists()

    def test_representative_edits_member_without_municipality(self, client, bonn):
        organisation = OrganisationFactory(municipality=bonn)
        member = PersonFactory(municipality=None)
        MembershipFactory(person=member, organisation=organisation)
        client.force_login(user_with_role(Role.REPRESENTATIVE, organisation=organisation))
        response = client.post(
            url("person_edit", member.pk), {"name": "Kwame A. Owusu", "language": "de"}
        )
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.name == "Kwame A. Owusu"
        assert member.municipality is None

    def test_coordinator_must_place_person_in_own_municipality(self, client, bonn_coordinator):
        client.force_login(bonn_coordinator)
        response = client.post(url("person_create"), {"name": "Ohne Ort"})
        assert "municipality" in response.context["form"].errors
        assert not Person.objects.exists()


def test_pages_render_in_both_languages(client, bonn, bonn_coordinator):
    organisation = OrganisationFactory(municipality=bonn)
    client.force_login(bonn_coordinator)
    german = client.get(url("organisation_detail", organisation.pk, language="de"))
    english = client.get(url("organisation_detail", organisation.pk, language="en"))
    assert b'<html lang="de">' in german.content
    assert b'<html lang="en">' in english.content
    assert b'hreflang="en"' in german.content


def test_htmx_pushes_only_the_filters_in_use(client, bonn_coordinator):
    client.force_login(bonn_coordinator)
    response = client.get(
        url("organisation_list"), {"q": "", "country": "GH", "kind": ""}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Push-Url"] == url("organisation_list") + "?country=GH"


def test_single_municipality_is_preselected(client, bonn, bonn_coordinator):
    client.force_login(bonn_coordinator)
    form = client.get(url("organisation_create")).context["form"]
    assert form["municipality"].value() == bonn.pk


class TestOwnRecord:
    """A participant keeps their own record, as `actors.change_person` (`is_self`) allows."""

    def test_participant_edits_own_details(self, client, bonn, participant):
        own = PersonFactory(
            name="Lina Al-Khatib", municipality=bonn, email="lina@example.org", user=participant
        )
        client.force_login(participant)
        assert client.get(own.get_absolute_url()).status_code == 200
        # The work area's navigation leads there ("My details").
        nav = client.get(reverse("participate:mine")).content.decode()
        assert f'href="{own.get_absolute_url()}"' in nav
        page = client.get(url("person_edit", own.pk))
        assert page.status_code == 200
        assert set(page.context["form"].fields) == {
            "name",
            "phone",
            "language",
            "languages",
            "countries",
            "competences",
        }
        response = client.post(
            url("person_edit", own.pk),
            {
                "name": "Lina Al Khatib",
                "language": "en",
                "competences": "Arabisch, Moderation",
                # Not hers to set: ignored.
                "email": "someone@example.org",
                "is_decision_maker": "on",
                "municipality": "",
            },
        )
        assert response.status_code == 302
        own.refresh_from_db()
        assert own.name == "Lina Al Khatib"
        assert own.language == "en"
        assert own.competences == "Arabisch, Moderation"
        assert own.email == "lina@example.org"
        assert not own.is_decision_maker
        assert own.municipality == bonn

    def test_participant_gives_own_consent(self, client, participant):
        own = PersonFactory(municipality=None, user=participant)
        client.force_login(participant)
        response = client.post(url("person_consent", own.pk), {"consent_given_by": own.name})
        assert response.status_code == 302
        own.refresh_from_db()
        assert own.is_public

    def test_participant_refused_another_record(self, client, bonn, participant):
        PersonFactory(municipality=None, user=participant)
        other = PersonFactory(municipality=bonn, public=True)
        client.force_login(participant)
        assert client.get(other.get_absolute_url()).status_code == 403
        assert client.get(url("person_edit", other.pk)).status_code == 403
        response = client.post(url("person_edit", other.pk), {"name": "X", "language": "de"})
        assert response.status_code == 403
        other.refresh_from_db()
        assert other.name != "X"
        assert client.get(url("person_delete", other.pk)).status_code == 403

    def test_participant_cannot_delete_own_record(self, client, participant):
        own = PersonFactory(municipality=None, user=participant)
        client.force_login(participant)
        assert client.post(url("person_delete", own.pk)).status_code == 403
        assert Person.objects.filter(pk=own.pk).exists()

    def test_steward_still_edits_every_field(self, client, bonn, bonn_coordinator, participant):
        own = PersonFactory(municipality=bonn, user=participant)
        client.force_login(bonn_coordinator)
        form = client.get(url("person_edit", own.pk)).context["form"]
        assert {"email", "municipality", "is_decision_maker"} <= set(form.fields)


def test_staff_write_english_description_and_competences(client, bonn, bonn_coordinator):
    organisation = OrganisationFactory(municipality=bonn, name="Weltladen Bonn")
    client.force_login(bonn_coordinator)
    form = client.get(url("organisation_edit", organisation.pk)).context["form"]
    assert {"description_en", "competences_en"} <= set(form.fields)
    response = client.post(
        url("organisation_edit", organisation.pk),
        {
            "name": "Weltladen Bonn",
            "kind": organisation.kind,
            "municipality": bonn.pk,
            "description": "Fairer Handel in Bonn.",
            "description_en": "Fair trade in Bonn.",
            "competences_en": "Fair trade",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.description_en, organisation.competences_en) == (
        "Fair trade in Bonn.",
        "Fair trade",
    )
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert '<dd lang="en">Fair trade in Bonn.</dd>' in page
