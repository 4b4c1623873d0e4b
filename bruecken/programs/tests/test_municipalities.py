"""Adding a municipality to a program, without the Django admin: the service (rule, transaction,
audit) and the staff page. Its partnerships abroad: bruecken/partnerships/tests."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bruecken.accounts.models import AuditEntry
from bruecken.events.models import Event
from bruecken.places.models import Municipality, MunicipalityKind
from bruecken.places.tests.factories import MunicipalityFactory
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
