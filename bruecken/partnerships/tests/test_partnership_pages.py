"""A municipality's partnerships abroad in the staff interface: the service (rule, transaction,
one audit entry for the partnership and one for its profile) and the pages (list, form with
pickers, detail with suggestions, the reverse view, the published rule)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import OrganisationKind, Topic
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.partnerships import services
from bruecken.partnerships.models import PartnershipProfile
from bruecken.places.models import Country, Language, Partnership, PartnershipKind
from bruecken.places.tests.factories import (
    CountryFactory,
    PartnershipFactory,
    WorldRegionFactory,
)
from bruecken.programs import services as program_services
from bruecken.tests.helpers import url_maker

pytestmark = pytest.mark.django_db

url = url_maker("partnerships", language="de")
programs_url = url_maker("programs", language="de")


def audit(model, action):
    return AuditEntry.objects.filter(object_type=model._meta.label_lower, action=action)


@pytest.fixture
def ghana(db):
    return CountryFactory()


@pytest.fixture
def bolivia(db):
    return CountryFactory(
        code="BO",
        name_de="Bolivien",
        name_en="Bolivia",
        region=WorldRegionFactory(code="419", name_de="Lateinamerika", name_en="Latin America"),
    )


@pytest.fixture
def carrier(bonn):
    return OrganisationFactory(
        name="Stadt Bonn – Internationales", municipality=bonn, kind=OrganisationKind.ADMINISTRATION
    )


class TestPartnershipServices:
    values = {"partner_name": "Testort Nord", "kind": PartnershipKind.CITY, "since": 2010}

    @pytest.mark.parametrize("who", ["office", "bonn_coordinator"])
    def test_create_update_delete_with_audit(self, request, who, bonn, ghana):
        user = request.getfixturevalue(who)
        partnership = services.create_partnership(user, bonn, {**self.values, "country": ghana})
        assert partnership.municipality == bonn
        services.update_partnership(user, partnership, {"since": 2011, "note": "erneuert"})
        partnership.refresh_from_db()
        assert (partnership.since, partnership.note) == (2011, "erneuert")
        services.delete_partnership(user, partnership)
        assert not Partnership.objects.filter(pk=partnership.pk).exists()
        for action in (
            AuditEntry.Action.CREATE,
            AuditEntry.Action.UPDATE,
            AuditEntry.Action.DELETE,
        ):
            entry = audit(Partnership, action).get()
            assert entry.user == user
        update = audit(Partnership, AuditEntry.Action.UPDATE).get()
        assert set(update.changes) == {"since", "note"}
        # No profile was given: none was made.
        assert not audit(PartnershipProfile, AuditEntry.Action.CREATE).exists()

    def test_partnership_and_profile_in_one_call_one_entry_each(
        self, bonn_coordinator, bonn, ghana, carrier, reference_data
    ):
        topics = list(Topic.objects.filter(code__in=["sdg-6", "sdg-4"]))
        languages = list(Language.objects.filter(code__in=["am", "en"]))
        contact = PersonFactory(municipality=bonn)
        partnership = services.create_partnership(
            bonn_coordinator,
            bonn,
            {
                **self.values,
                "country": ghana,
                "status": "dormant",
                "topics": topics,
                "languages": languages,
                "carried_by": carrier,
                "contacts": [contact],
            },
        )
        profile = partnership.profile
        assert set(profile.topics.all()) == set(topics)
        assert profile.carried_by == carrier and list(profile.contacts.all()) == [contact]
        assert partnership.status == "dormant"
        assert audit(Partnership, AuditEntry.Action.CREATE).count() == 1
        entry = audit(PartnershipProfile, AuditEntry.Action.CREATE).get()
        assert set(entry.changes) >= {"topics", "languages", "carried_by", "contacts"}
        services.update_partnership(bonn_coordinator, partnership, {"topics": topics[:1]})
        update = audit(PartnershipProfile, AuditEntry.Action.UPDATE).get()
        assert set(update.changes) == {"topics"}
        assert not audit(Partnership, AuditEntry.Action.UPDATE).exists()

    def test_carried_by_another_municipalitys_organisation_is_refused(
        self, office, bonn, kiel, ghana
    ):
        elsewhere = OrganisationFactory(municipality=kiel, public=True)
        with pytest.raises(ValidationError) as error:
            services.create_partnership(
                office, bonn, {**self.values, "country": ghana, "carried_by": elsewhere}
            )
        assert "carried_by" in error.value.error_dict
        assert not Partnership.objects.filter(partner_name="Testort Nord").exists()

    def test_a_contact_the_user_may_not_see_is_refused(self, bonn_coordinator, bonn, kiel, ghana):
        hidden = PersonFactory(municipality=kiel)
        with pytest.raises(ValidationError):
            services.create_partnership(
                bonn_coordinator, bonn, {**self.values, "country": ghana, "contacts": [hidden]}
            )
        assert not Partnership.objects.filter(partner_name="Testort Nord").exists()

    def test_another_municipalitys_coordinator_is_refused(self, kiel_coordinator, bonn, ghana):
        with pytest.raises(PermissionDenied):
            services.create_partnership(kiel_coordinator, bonn, {**self.values, "country": ghana})
        partnership = PartnershipFactory(municipality=bonn, country=ghana)
        with pytest.raises(PermissionDenied):
            services.update_partnership(kiel_coordinator, partnership, {"since": 1999})
        with pytest.raises(PermissionDenied):
            services.delete_partnership(kiel_coordinator, partnership)
        partnership.refresh_from_db()
        assert partnership.since == 2000

    @pytest.mark.parametrize("who", ["bonn_facilitator", "participant"])
    def test_other_roles_are_refused(self, request, who, bonn, ghana):
        with pytest.raises(PermissionDenied):
            services.create_partnership(
                request.getfixturevalue(who), bonn, {**self.values, "country": ghana}
            )

    def test_the_same_partnership_twice_and_a_year_out_of_range(self, office, bonn, ghana):
        services.create_partnership(office, bonn, {**self.values, "country": ghana})
        with pytest.raises(ValidationError):
            services.create_partnership(office, bonn, {**self.values, "country": ghana})
        with pytest.raises(ValidationError):
            services.create_partnership(
                office, bonn, {**self.values, "partner_name": "Accra", "country": ghana, "since": 1}
            )


class TestPartnershipPages:
    @pytest.mark.parametrize("language", ["de", "en"])
    def test_create_with_a_typed_country_and_edit(
        self, client, bonn_coordinator, bonn, ghana, bolivia, language
    ):
        client.force_login(bonn_coordinator)
        page = client.get(url("partnership_create", bonn.pk, language=language))
        assert page.status_code == 200
        typed = "Bolivien" if language == "de" else "Bolivia"
        step = client.post(
            url("partnership_create", bonn.pk, language=language),
            {"partner_name": "Sucre", "country__search": typed[:4], "kind": "project"},
        )
        assert f'value="{bolivia.pk}"' in step.content.decode()
        response = client.post(
            url("partnership_create", bonn.pk, language=language),
            {
                "partner_name": "Sucre",
                "country": bolivia.pk,
                "kind": "project",
                "since": "2002",
                "status": "active",
            },
        )
        assert response.status_code == 302
        partnership = Partnership.objects.get(municipality=bonn, partner_name="Sucre")
        assert response["Location"] == url("partnership_detail", partnership.pk, language=language)
        assert partnership.country == bolivia

        edit = client.get(url("partnership_edit", partnership.pk, language=language))
        assert typed in edit.content.decode()
        response = client.post(
            url("partnership_edit", partnership.pk, language=language),
            {
                "partner_name": "Sucre",
                "country": ghana.pk,
                "kind": "project",
                "since": "1996",
                "status": "dormant",
            },
        )
        assert response.status_code == 302
        partnership.refresh_from_db()
        assert (partnership.country, partnership.since, partnership.status) == (
            ghana,
            1996,
            "dormant",
        )
        listing = client.get(url("partnership_list", bonn.pk, language=language))
        assert "Sucre" in listing.content.decode()
        assert url("partnership_detail", partnership.pk, language=language) in (
            listing.content.decode()
        )

    def test_the_profile_with_pickers(self, client, bonn_coordinator, bonn, ghana, carrier):
        am = Language.objects.get(code="am")
        water = Topic.objects.get(code="sdg-6")
        client.force_login(bonn_coordinator)
        page = client.get(url("partnership_create", bonn.pk)).content.decode()
        # Pickers, not selects, for topics, languages, the carrier and the contacts.
        assert "<select" not in page.split('name="kind"')[-1].split("</select>")[-1]
        response = client.post(
            url("partnership_create", bonn.pk),
            {
                "partner_name": "Testort Süd",
                "country": ghana.pk,
                "kind": "city",
                "status": "active",
                "topics": [water.pk],
                "languages": [am.pk],
                "carried_by": carrier.pk,
            },
        )
        assert response.status_code == 302
        profile = Partnership.objects.get(partner_name="Testort Süd").profile
        assert (list(profile.topics.all()), list(profile.languages.all())) == ([water], [am])
        assert profile.carried_by == carrier

    @pytest.mark.parametrize(
        "data",
        [
            {"partner_name": "Accra", "country": "Atlantis", "kind": "city"},
            {"partner_name": "Accra", "country": "\x00", "kind": "city"},
            {"partner_name": "Accra", "country": "Ghana", "kind": "city", "since": str(10**30)},
            {"partner_name": "Accra", "country": "Ghana", "kind": "city", "since": "1"},
            {"partner_name": "Accra", "country": "Ghana", "kind": "castle"},
            {"partner_name": "", "country": "Ghana", "kind": "city"},
            {"partner_name": "Accra", "country": "Ghana", "kind": "city", "source": "javascript:x"},
            {"partner_name": "Accra", "kind": "city", "status": "vanished"},
            {"partner_name": "Accra", "kind": "city", "topics": ["x" * 10_000]},
            {"partner_name": "Accra", "kind": "city", "languages": [str(10**30)]},
            {"partner_name": "Accra", "kind": "city", "carried_by": "\x00"},
            {"partner_name": "Accra", "kind": "city", "contacts": ["-1"]},
            {"partner_name": "Accra", "kind": "city", "engagement_forms": ["31.02."]},
        ],
    )
    def test_wrong_input_is_shown_on_the_form(self, client, office, bonn, ghana, data):
        data = {"country": ghana.pk, "status": "active", **data}
        client.force_login(office)
        before = Partnership.objects.count()
        response = client.post(url("partnership_create", bonn.pk), data)
        assert response.status_code == 200
        assert Partnership.objects.count() == before

    def test_a_carrier_of_another_municipality_is_refused_by_the_form(
        self, client, office, bonn, kiel, ghana
    ):
        elsewhere = OrganisationFactory(municipality=kiel, public=True)
        client.force_login(office)
        data = {"partner_name": "Accra", "country": ghana.pk, "kind": "city"}
        data.update(status="active", carried_by=elsewhere.pk)
        response = client.post(url("partnership_create", bonn.pk), data)
        assert response.status_code == 200
        assert not Partnership.objects.filter(partner_name="Accra").exists()

    def test_another_municipalitys_ids_are_refused(self, client, kiel_coordinator, bonn, ghana):
        partnership = PartnershipFactory(municipality=bonn, country=ghana, partner_name="Accra")
        client.force_login(kiel_coordinator)
        assert client.get(url("partnership_list", bonn.pk)).status_code == 403
        assert client.get(url("partnership_create", bonn.pk)).status_code == 403
        assert client.get(url("partnership_edit", partnership.pk)).status_code == 403
        assert client.get(url("partnership_detail", partnership.pk)).status_code == 403
        data = {"partner_name": "Kumasi", "country": "Ghana", "kind": "city"}
        assert client.post(url("partnership_create", bonn.pk), data).status_code == 403
        assert client.post(url("partnership_edit", partnership.pk), data).status_code == 403
        assert client.post(url("partnership_delete", partnership.pk)).status_code == 403
        confirmed = {"confirm": "yes"}
        assert client.post(url("partnership_delete", partnership.pk), confirmed).status_code == 403
        partnership.refresh_from_db()
        assert partnership.partner_name == "Accra"
        assert client.get(url("partnership_edit", 999999)).status_code == 404
        assert client.get(url("partnership_detail", 10**30)).status_code == 404

    @pytest.mark.parametrize("who", ["bonn_facilitator", "participant"])
    def test_wrong_roles_are_refused(self, client, request, who, bonn, ghana):
        partnership = PartnershipFactory(municipality=bonn, country=ghana)
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("partnership_detail", partnership.pk)).status_code == 403

    def test_delete(self, client, office, bonn, ghana):
        partnership = PartnershipFactory(municipality=bonn, country=ghana)
        client.force_login(office)
        for asking in (client.get, client.post):
            response = asking(url("partnership_delete", partnership.pk))
            assert response.status_code == 200
            assert "nicht rückgängig" in response.content.decode()
        assert Partnership.objects.filter(pk=partnership.pk).exists()
        response = client.post(url("partnership_delete", partnership.pk), {"confirm": "yes"})
        assert response["Location"] == url("partnership_list", bonn.pk)
        assert not Partnership.objects.filter(pk=partnership.pk).exists()

    def test_linked_from_the_process_dashboard(
        self, client, office, bonn_coordinator, bonn_facilitator, program, bonn
    ):
        process = program_services.start_local_process(office, program, bonn)
        link = url("partnership_list", bonn.pk)
        for user, shown in ((bonn_coordinator, True), (office, True), (bonn_facilitator, False)):
            client.force_login(user)
            html = client.get(programs_url("process_detail", process.pk)).content.decode()
            assert (link in html) is shown


@pytest.fixture
def ethiopian(reference_data, bonn):
    """A partnership of Bonn in Ethiopia and two Ethiopian associations: Bonn's own (not
    consented) and Kiel's (consented)."""
    ethiopia = Country.objects.get(code="ET")
    partnership = PartnershipFactory(municipality=bonn, country=ethiopia, partner_name="Gondar")
    own = OrganisationFactory(
        name="Äthiopischer Verein Bonn", municipality=bonn, countries=[ethiopia]
    )
    return partnership, own, ethiopia


class TestSuggestionPages:
    @pytest.mark.parametrize(("language", "heading"), [("de", "mittragen"), ("en", "could carry")])
    def test_detail_lists_the_suggestions_with_reasons(
        self, client, bonn_coordinator, ethiopian, language, heading
    ):
        partnership, own, _ethiopia = ethiopian
        client.force_login(bonn_coordinator)
        html = client.get(url("partnership_detail", partnership.pk, language=language)).content
        html = html.decode()
        assert heading in html and own.name in html
        assert ("arbeitet in Äthiopien" if language == "de" else "works in Ethiopia") in html
        assert url("rule", language=language) in html
        if language == "en":
            assert f'lang="de">{own.name}' in html

    @pytest.mark.usefixtures("language_reset")
    def test_german_words_in_english_reasons_are_marked(self, client, bonn_coordinator, ethiopian):
        partnership, own, _ethiopia = ethiopian
        partnership.note = "Bildung & Gesundheit"
        partnership.save()
        own.competences = "Bildung für Kinder"
        own.save()
        client.force_login(bonn_coordinator)
        html = client.get(url("partnership_detail", partnership.pk, language="en")).text
        assert 'competences mention <span lang="de">Bildung</span>' in html
        assert "works in Ethiopia" in html
        html = client.get(url("partnership_detail", partnership.pk)).text
        assert "<li>Kompetenzen nennen Bildung</li>" in html
        assert '<span lang="de">Bildung' not in html

    def test_an_unconsented_organisation_of_another_municipality_never_appears(
        self, client, kiel_coordinator, bonn_coordinator, office, kiel, ethiopian
    ):
        partnership, _own, ethiopia = ethiopian
        hidden = OrganisationFactory(
            name="Verborgener Verein Kiel", municipality=kiel, countries=[ethiopia]
        )
        for user in (bonn_coordinator, office):
            client.force_login(user)
            html = client.get(url("partnership_detail", partnership.pk)).content.decode()
            assert hidden.name not in html
        # Nor through the reverse view: Bonn's coordinator may not even open it.
        client.force_login(bonn_coordinator)
        assert client.get(url("organisation_partnerships", hidden.pk)).status_code == 404
        # Its own coordinator sees it has no partnership elsewhere to be suggested for.
        client.force_login(kiel_coordinator)
        html = client.get(url("organisation_partnerships", hidden.pk)).content.decode()
        assert "Gondar" not in html

    def test_constant_queries_however_many_suggestions(
        self, client, bonn_coordinator, bonn, ethiopian, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        partnership, _own, ethiopia = ethiopian
        client.force_login(bonn_coordinator)
        address = url("partnership_detail", partnership.pk)
        client.get(address)
        with CaptureQueriesContext(connection) as one:
            client.get(address)
        for n in range(30):
            OrganisationFactory(name=f"Verein {n}", municipality=bonn, countries=[ethiopia])
        with django_assert_max_num_queries(len(one.captured_queries)):
            html = client.get(address).content.decode()
        assert "Verein 29" not in html or "Verein 0" in html
        assert "?page=2" in html

    @pytest.mark.parametrize("page", ["2", "0", "-1", "x", "\x00", str(10**30), "9" * 10_000])
    def test_hostile_page_numbers(self, client, bonn_coordinator, ethiopian, page):
        partnership, _own, _ethiopia = ethiopian
        client.force_login(bonn_coordinator)
        response = client.get(url("partnership_detail", partnership.pk), {"page": page})
        assert response.status_code == 200

    @pytest.mark.parametrize("language", ["de", "en"])
    def test_the_representatives_reverse_view(self, client, kiel, ethiopian, language):
        _partnership, _own, ethiopia = ethiopian
        association = OrganisationFactory(
            name="Äthiopischer Verein Kiel", municipality=kiel, countries=[ethiopia], public=True
        )
        representative = user_with_role(Role.REPRESENTATIVE, organisation=association)
        client.force_login(representative)
        address = url("organisation_partnerships", association.pk, language=language)
        html = client.get(address).content.decode()
        assert "Gondar" in html
        assert ("Ländern" if language == "de" else "countries") in html
        # Linked from the representative's home page.
        home = client.get(url_maker(None, language)("website:personal_home")).content.decode()
        assert address in home
        # Another organisation the representative may not see: not found.
        other = OrganisationFactory(municipality=kiel, countries=[ethiopia])
        assert client.get(url("organisation_partnerships", other.pk)).status_code == 404

    def test_the_staff_reach_it_from_the_organisation_page(self, client, office, ethiopian):
        _partnership, own, _ethiopia = ethiopian
        client.force_login(office)
        html = client.get(own.get_absolute_url()).content.decode()
        address = url("organisation_partnerships", own.pk)
        assert address in html
        assert "Gondar" in client.get(address).content.decode()

    def test_the_reverse_view_is_for_migrant_organisations(self, client, office, bonn):
        school = OrganisationFactory(municipality=bonn, kind=OrganisationKind.EDUCATION)
        client.force_login(office)
        assert client.get(url("organisation_partnerships", school.pk)).status_code == 404

    @pytest.mark.parametrize("language", ["de", "en"])
    def test_the_rule_page_is_open_and_shows_the_weights(self, client, language):
        from bruecken.partnerships.matching import WEIGHTS

        html = client.get(url("rule", language=language)).content.decode()
        assert ("Wie Vorschläge entstehen" if language == "de" else "How suggestions") in html
        assert f"<td>{WEIGHTS['country']}</td>" in html


class TestOverview:
    def test_office_sees_every_municipalitys_partnerships(self, client, office, bonn, kiel):
        PartnershipFactory(municipality=bonn, partner_name="Cape Coast")
        PartnershipFactory(municipality=kiel, partner_name="Kaliningrad")
        client.force_login(office)
        html = client.get(url("overview")).content.decode()
        assert "Cape Coast" in html and "Kaliningrad" in html
        # The office starts a new one from a municipality's own list.
        assert url("partnership_create", bonn.pk) not in html

    def test_a_coordinator_sees_their_municipalitys_only(
        self, client, bonn_coordinator, bonn, kiel
    ):
        PartnershipFactory(municipality=bonn, partner_name="Cape Coast")
        PartnershipFactory(municipality=kiel, partner_name="Kaliningrad")
        client.force_login(bonn_coordinator)
        html = client.get(url("overview")).content.decode()
        assert "Cape Coast" in html and "Kaliningrad" not in html
        assert url("partnership_create", bonn.pk) in html
        assert url("partnership_create", kiel.pk) not in html

    @pytest.mark.parametrize("who", ["participant", "bonn_facilitator"])
    def test_other_roles_are_refused(self, client, request, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("overview")).status_code == 403

    def test_a_page_at_a_time_in_constant_queries(
        self, client, office, bonn, django_assert_max_num_queries
    ):
        client.force_login(office)
        PartnershipFactory(municipality=bonn)
        client.get(url("overview"))  # warm the session and caches
        with django_assert_max_num_queries(12) as few:
            client.get(url("overview"))
        for number in range(60):
            PartnershipFactory(municipality=bonn, partner_name=f"Ort {number}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(url("overview"))
        assert response.content.decode().count("partnerships/") > 50
        assert client.get(url("overview") + "?page=99999999999999999999").status_code == 200


def test_the_reasons_spell_competence_words_as_written():
    from bruecken.partnerships import matching

    spelled = matching._spellings("SDG 4: Hochwertige Bildung", "Quality education")
    assert spelled["bildung"] == "Bildung"
    assert spelled["hochwertige"] == "Hochwertige"
