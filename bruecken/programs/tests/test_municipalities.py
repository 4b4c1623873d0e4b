"""Adding a municipality to a program and keeping a municipality's partnerships abroad, without
the Django admin: services (rule, transaction, audit) and the staff pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bruecken.accounts.models import AuditEntry
from bruecken.events.models import Event
from bruecken.places.models import Municipality, MunicipalityKind, Partnership, PartnershipKind
from bruecken.places.tests.factories import (
    CountryFactory,
    MunicipalityFactory,
    PartnershipFactory,
    WorldRegionFactory,
)
from bruecken.programs import services
from bruecken.programs.models import LocalProcess
from bruecken.tests.helpers import url_maker

pytestmark = pytest.mark.django_db

url = url_maker("programs", language="de")


def audit(model, action):
    return AuditEntry.objects.filter(object_type=model._meta.label_lower, action=action)


@pytest.fixture
def leipzig(db):
    return MunicipalityFactory(name="Leipzig", ags="14713000")


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


# Adding a municipality: the service


class TestAddMunicipality:
    def test_a_known_municipality(self, office, program, leipzig):
        municipality, process = services.add_municipality(
            office, program, {"municipality": leipzig}
        )
        assert municipality == leipzig and process is None
        assert set(program.municipalities.values_list("name", flat=True)) == {
            "Bonn",
            "Kiel",
            "Leipzig",
        }
        entry = audit(type(program), AuditEntry.Action.UPDATE).get()
        assert "Leipzig" in str(entry.changes["municipalities"][1])

    def test_a_new_municipality_with_its_process(self, office, program):
        municipality, process = services.add_municipality(
            office,
            program,
            {
                "name": "Köln",
                "kind": MunicipalityKind.CITY,
                "ags": "05315000",
                "start_process": True,
            },
        )
        assert municipality.federal_state == "05"
        assert (
            audit(Municipality, AuditEntry.Action.CREATE)
            .filter(object_id=str(municipality.pk))
            .exists()
        )
        # Starting the process made its draft workshops from the template (process_started).
        assert process == LocalProcess.objects.get(program=program, municipality=municipality)
        assert Event.objects.filter(process=process).count() == program.template.steps.count()

    def test_a_wrong_official_key_writes_nothing(self, office, program):
        with pytest.raises(ValidationError) as error:
            services.add_municipality(
                office, program, {"name": "Köln", "kind": MunicipalityKind.CITY, "ags": "99315"}
            )
        assert "ags" in error.value.error_dict
        assert not Municipality.objects.filter(name="Köln").exists()
        assert not AuditEntry.objects.exists()

    def test_twice_is_refused(self, office, program, bonn):
        with pytest.raises(ValidationError):
            services.add_municipality(office, program, {"municipality": bonn})

    @pytest.mark.parametrize("who", ["bonn_coordinator", "bonn_facilitator", "participant"])
    def test_only_the_program_office(self, request, who, program, leipzig):
        with pytest.raises(PermissionDenied):
            services.add_municipality(
                request.getfixturevalue(who), program, {"municipality": leipzig}
            )
        assert not program.municipalities.filter(pk=leipzig.pk).exists()


# Partnerships: the service and its rule


class TestPartnershipServices:
    values = {"partner_name": "Cape Coast", "kind": PartnershipKind.CITY, "since": 2010}

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


# The pages


class TestAddMunicipalityPage:
    @pytest.mark.parametrize(("language", "heading"), [("de", "hinzufügen"), ("en", "Add a")])
    def test_offers_the_municipalities_not_yet_in_the_program(
        self, client, office, program, leipzig, language, heading
    ):
        client.force_login(office)
        response = client.get(url("municipality_add", program.pk, language=language))
        assert response.status_code == 200
        html = response.content.decode()
        assert heading in html
        assert 'role="combobox"' in html
        # The type-ahead offers what the form accepts: not Bonn, already in the program.
        for typed, offered in (("Leip", True), ("Bonn", False)):
            search = client.post(
                url("municipality_add", program.pk), {"municipality__search": typed}
            )
            found = program.municipalities.get(name="Bonn") if typed == "Bonn" else leipzig
            assert (f'name="municipality" value="{found.pk}"' in search.content.decode()) is offered

    @pytest.mark.parametrize("typed", ["Leipzig", "leip", "14713000"])
    def test_adds_what_was_typed(self, client, office, program, leipzig, typed):
        client.force_login(office)
        # Without JavaScript: a search step offers the matches, then the choice is sent.
        step = client.post(url("municipality_add", program.pk), {"municipality__search": typed})
        assert step.status_code == 200
        assert f'type="radio" name="municipality" value="{leipzig.pk}"' in step.content.decode()
        assert not program.municipalities.filter(pk=leipzig.pk).exists()
        response = client.post(url("municipality_add", program.pk), {"municipality": leipzig.pk})
        assert response.status_code == 302
        assert response["Location"] == url("program_detail", program.pk)
        assert program.municipalities.filter(pk=leipzig.pk).exists()

    def test_a_new_municipality_with_its_process_opens_the_process(self, client, office, program):
        client.force_login(office)
        response = client.post(
            url("municipality_add", program.pk, language="en"),
            {"name": "Köln", "kind": "city", "ags": "05315000", "start_process": "on"},
        )
        process = LocalProcess.objects.get(municipality__name="Köln")
        assert response["Location"] == url("process_detail", process.pk, language="en")

    @pytest.mark.parametrize(
        "data",
        [
            {"municipality": "", "name": ""},
            {"municipality": "Atlantis"},
            {"municipality": "\x00"},
            {"municipality": "x" * 5000},
            {"municipality": "Leipzig (\x00)"},
            {"municipality": "10" * 40},
            {"municipality__search": "\x00" * 3},
            {"municipality": "Leipzig", "name": "Köln"},
            {"name": "Köln", "kind": "city"},
            {"name": "Köln", "kind": "city", "ags": "0531500\x00"},
            {"name": "Köln", "kind": "town", "ags": "05315000"},
            {"name": "Köln", "kind": "district", "ags": "05315000"},
            {"name": "Köln", "kind": "city", "ags": "05314000"},  # Bonn's key
        ],
    )
    def test_wrong_input_is_shown_on_the_form(self, client, office, program, leipzig, data):
        client.force_login(office)
        response = client.post(url("municipality_add", program.pk), data)
        assert response.status_code == 200
        assert 'class="error-summary"' in response.content.decode()
        assert program.municipalities.count() == 2

    def test_ambiguous_names_ask_for_a_choice(self, client, office, program):
        MunicipalityFactory(name="Neustadt", ags="07000001")
        MunicipalityFactory(name="Neustadt", ags="09000001")
        client.force_login(office)
        response = client.post(
            url("municipality_add", program.pk), {"municipality__search": "Neustadt"}
        )
        assert "Neustadt" in str(response.context["form"].errors["municipality"])
        html = response.content.decode()
        # Told apart by their official keys.
        assert "07000001" in html
        assert "09000001" in html

    @pytest.mark.parametrize("who", ["bonn_coordinator", "bonn_facilitator"])
    def test_refused_to_others(self, client, request, who, program, leipzig):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("municipality_add", program.pk)).status_code == 403
        response = client.post(url("municipality_add", program.pk), {"municipality": "Leipzig"})
        assert response.status_code == 403
        assert not program.municipalities.filter(pk=leipzig.pk).exists()

    def test_linked_from_the_program_dashboard_for_the_office(
        self, client, office, bonn_coordinator, program
    ):
        link = url("municipality_add", program.pk)
        client.force_login(office)
        assert link in client.get(url("program_detail", program.pk)).content.decode()
        client.force_login(bonn_coordinator)
        assert link not in client.get(url("program_detail", program.pk)).content.decode()


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
            {"partner_name": "Sucre", "country": bolivia.pk, "kind": "project", "since": "2002"},
        )
        assert response.status_code == 302
        assert response["Location"] == url("partnership_list", bonn.pk, language=language)
        partnership = Partnership.objects.get(municipality=bonn, partner_name="Sucre")
        assert partnership.country == bolivia

        edit = client.get(url("partnership_edit", partnership.pk, language=language))
        assert typed in edit.content.decode()
        response = client.post(
            url("partnership_edit", partnership.pk, language=language),
            {"partner_name": "Sucre", "country": ghana.pk, "kind": "project", "since": "1996"},
        )
        assert response.status_code == 302
        partnership.refresh_from_db()
        assert (partnership.country, partnership.since) == (ghana, 1996)
        listing = client.get(url("partnership_list", bonn.pk, language=language))
        assert "Sucre" in listing.content.decode()

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
        ],
    )
    def test_wrong_input_is_shown_on_the_form(self, client, office, bonn, ghana, data):
        client.force_login(office)
        before = Partnership.objects.count()
        response = client.post(url("partnership_create", bonn.pk), data)
        assert response.status_code == 200
        assert Partnership.objects.count() == before

    def test_another_municipalitys_ids_are_refused(self, client, kiel_coordinator, bonn, ghana):
        partnership = PartnershipFactory(municipality=bonn, country=ghana, partner_name="Accra")
        client.force_login(kiel_coordinator)
        assert client.get(url("partnership_list", bonn.pk)).status_code == 403
        assert client.get(url("partnership_create", bonn.pk)).status_code == 403
        assert client.get(url("partnership_edit", partnership.pk)).status_code == 403
        data = {"partner_name": "Kumasi", "country": "Ghana", "kind": "city"}
        assert client.post(url("partnership_create", bonn.pk), data).status_code == 403
        assert client.post(url("partnership_edit", partnership.pk), data).status_code == 403
        assert client.post(url("partnership_delete", partnership.pk)).status_code == 403
        confirmed = {"confirm": "yes"}
        assert client.post(url("partnership_delete", partnership.pk), confirmed).status_code == 403
        partnership.refresh_from_db()
        assert partnership.partner_name == "Accra"
        assert client.get(url("partnership_edit", 999999)).status_code == 404

    def test_delete(self, client, office, bonn, ghana):
        partnership = PartnershipFactory(municipality=bonn, country=ghana)
        client.force_login(office)
        # Asked first: the page names the consequence, nothing is deleted yet.
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
        process = services.start_local_process(office, program, bonn)
        link = url("partnership_list", bonn.pk)
        for user, shown in ((bonn_coordinator, True), (office, True), (bonn_facilitator, False)):
            client.force_login(user)
            html = client.get(url("process_detail", process.pk)).content.decode()
            assert (link in html) is shown
