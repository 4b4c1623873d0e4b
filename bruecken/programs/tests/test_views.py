import pytest
from django.urls import reverse

from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.programs import services
from bruecken.programs.models import LocalProcess, ProcessTemplate, Program
from bruecken.programs.services import load_default_template
from bruecken.programs.tests.factories import ProgramFactory
from bruecken.tests.helpers import url_maker

url = url_maker("programs", language="en")


@pytest.fixture
def bonn_process(program, bonn, office):
    return services.start_local_process(office, program, bonn)


class TestProgramList:
    def test_office_sees_every_program(self, client, office, program):
        other = ProgramFactory(name="Anderes Programm")
        client.force_login(office)
        response = client.get(url("program_list"))
        assert list(response.context["programs"]) == sorted(
            [program, other], key=lambda p: (-p.starts_on.toordinal(), p.name)
        )
        assert url("program_create") in response.content.decode()

    def test_coordinator_sees_programs_of_own_municipality(self, client, kiel_coordinator, program):
        ProgramFactory(name="Ohne Kiel", municipalities=[MunicipalityFactory()])
        client.force_login(kiel_coordinator)
        response = client.get(url("program_list"))
        assert [p.name for p in response.context["programs"]] == ["Migration und Entwicklung"]
        assert url("program_create") not in response.content.decode()

    def test_representative_and_participant_refused(self, client, participant, bonn):
        client.force_login(participant)
        assert client.get(url("program_list")).status_code == 403
        organisation = OrganisationFactory(municipality=bonn)
        client.force_login(user_with_role(Role.REPRESENTATIVE, organisation=organisation))
        assert client.get(url("program_list")).status_code == 403

    def test_anonymous_goes_to_login(self, client):
        response = client.get(url("program_list"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
class TestNavigation:
    @pytest.mark.parametrize("who", ["office", "bonn_coordinator", "bonn_facilitator"])
    def test_programs_in_main_navigation(self, client, request, who):
        client.force_login(request.getfixturevalue(who))
        content = client.get(reverse("home")).content.decode()
        assert '/programs/"' in content

    def test_not_for_representatives(self, client, bonn):
        organisation = OrganisationFactory(municipality=bonn)
        client.force_login(user_with_role(Role.REPRESENTATIVE, organisation=organisation))
        content = client.get(reverse("home")).content.decode()
        assert "/programs/" not in content


class TestProgramEditing:
    def data(self, **changes):
        template = load_default_template()
        values = {
            "name": "Kommunale Entwicklungspolitik",
            "description": "",
            "office": "Servicestelle",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "template": template.pk,
        }
        values.update(changes)
        return values

    def test_office_creates_a_program(self, client, office, bonn, kiel):
        client.force_login(office)
        response = client.post(url("program_create"), self.data(municipalities=[bonn.pk, kiel.pk]))
        program = Program.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("program_detail", program.pk)
        assert set(program.municipalities.all()) == {bonn, kiel}
        assert AuditEntry.objects.filter(object_type="programs.program", action="create").exists()

    def test_end_before_start_is_shown(self, client, office):
        client.force_login(office)
        response = client.post(url("program_create"), self.data(ends_on="2025-01-01"))
        assert response.status_code == 200
        assert "ends_on" in response.context["form"].errors
        assert not Program.objects.exists()

    @pytest.mark.parametrize(
        "bad",
        [
            {"starts_on": "31.02.2026"},
            {"template": "abc"},
            {"template": "999999"},
            {"municipalities": ["x"]},
            {"name": "x" * 500},
        ],
    )
    def test_bad_input_is_a_form_error(self, client, office, bad):
        client.force_login(office)
        response = client.post(url("program_create"), self.data(**bad))
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not Program.objects.exists()

    def test_coordinator_cannot_create_or_edit(self, client, bonn_coordinator, program):
        client.force_login(bonn_coordinator)
        assert client.get(url("program_create")).status_code == 403
        assert client.get(url("program_edit", program.pk)).status_code == 403
        assert client.post(url("program_edit", program.pk), self.data()).status_code == 403

    def test_municipality_with_started_process_stays(
        self, client, office, program, bonn_process, kiel
    ):
        client.force_login(office)
        response = client.post(
            url("program_edit", program.pk),
            self.data(name=program.name, municipalities=[kiel.pk]),
        )
        assert response.status_code == 200
        assert "Bonn" in str(response.context["form"].errors["municipalities"])
        assert program.municipalities.count() == 2


class TestStartProcess:
    def test_coordinator_starts_own_process(self, client, bonn_coordinator, program, bonn):
        client.force_login(bonn_coordinator)
        response = client.post(url("process_start", program.pk, bonn.pk))
        process = LocalProcess.objects.get()
        assert response["Location"] == url("process_detail", process.pk)
        assert process.workshops.count() == 4
        assert not process.workshops.filter(is_published=True).exists()

    def test_kiel_cannot_start_bonn(self, client, kiel_coordinator, program, bonn):
        client.force_login(kiel_coordinator)
        assert client.post(url("process_start", program.pk, bonn.pk)).status_code == 403
        assert not LocalProcess.objects.exists()

    def test_get_is_not_allowed(self, client, bonn_coordinator, program, bonn):
        client.force_login(bonn_coordinator)
        assert client.get(url("process_start", program.pk, bonn.pk)).status_code == 405

    def test_starting_twice_says_so(self, client, office, program, bonn, bonn_process):
        client.force_login(office)
        response = client.post(url("process_start", program.pk, bonn.pk), follow=True)
        assert response.status_code == 200
        assert "already been started" in response.content.decode()
        assert LocalProcess.objects.count() == 1

    def test_non_participating_municipality_refused_with_message(self, client, office, program):
        elsewhere = MunicipalityFactory(name="Leipzig")
        client.force_login(office)
        response = client.post(url("process_start", program.pk, elsewhere.pk), follow=True)
        assert "does not take part" in response.content.decode()
        assert not LocalProcess.objects.exists()


class TestTemplates:
    def management(self, total, initial=0, prefix="steps"):
        return {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }

    def step(self, index, kind, title, low, high, admission, order="", **extra):
        prefix = f"steps-{index}"
        data = {
            f"{prefix}-kind": kind,
            f"{prefix}-title": title,
            f"{prefix}-capacity_min": str(low),
            f"{prefix}-capacity_max": str(high),
            f"{prefix}-admission": admission,
            f"{prefix}-purpose": "",
            f"{prefix}-ORDER": str(order),
        }
        data.update({f"{prefix}-{k}": v for k, v in extra.items()})
        return data

    def blank(self, index):
        """An extra row as the browser sends it back untouched."""
        return self.step(index, "", "", 0, "", "")

    def test_office_creates_template_with_ordered_steps(self, client, office):
        client.force_login(office)
        data = {"template-name": "Kurzprozess", "template-description": ""}
        data.update(self.management(3))
        data.update(self.step(0, "evaluation", "Auswertung", 10, 15, "initiative_circle", order=2))
        data.update(self.step(1, "initiative", "Auftakt", 12, 15, "invited", order=1))
        data.update(self.blank(2))
        response = client.post(url("template_create"), data)
        template = ProcessTemplate.objects.get(name="Kurzprozess")
        assert response.status_code == 302
        assert [(s.position, s.title) for s in template.steps.all()] == [
            (1, "Auftakt"),
            (2, "Auswertung"),
        ]
        assert AuditEntry.objects.filter(object_type="programs.processtemplate").exists()

    def test_edit_removes_and_reorders(self, client, office):
        template = load_default_template()
        steps = list(template.steps.order_by("position"))
        client.force_login(office)
        data = {"template-name": template.name, "template-description": template.description}
        data.update(self.management(len(steps) + 2, initial=len(steps)))
        for index, step in enumerate(steps):
            data.update(
                self.step(
                    index,
                    step.kind,
                    step.title,
                    step.capacity_min,
                    step.capacity_max,
                    step.admission,
                    order=index + 1,
                    id=str(step.pk),
                    template=str(template.pk),
                )
            )
        data.update(self.blank(len(steps)))
        data.update(self.blank(len(steps) + 1))
        data["steps-2-DELETE"] = "on"  # the second extended workshop
        data["steps-1-ORDER"] = "9"
        response = client.post(url("template_edit", template.pk), data)
        assert response.status_code == 302, response.context and response.context["steps"].errors
        assert [s.title for s in template.steps.order_by("position")] == [
            "Initiativworkshop",
            "Auswertungsworkshop",
            "Erweiterter Workshop I",
        ]

    def test_evaluation_must_admit_the_circle(self, client, office):
        client.force_login(office)
        data = {"template-name": "Falsch", "template-description": ""}
        data.update(self.management(1))
        data.update(self.step(0, "evaluation", "Auswertung", 10, 15, "open"))
        response = client.post(url("template_create"), data)
        assert response.status_code == 200
        assert "initiative circle only" in response.content.decode()
        assert not ProcessTemplate.objects.filter(name="Falsch").exists()

    def test_template_needs_a_step_and_sane_capacity(self, client, office):
        client.force_login(office)
        data = {"template-name": "Leer", "template-description": ""}
        data.update(self.management(2))
        data.update(self.blank(0))
        data.update(self.blank(1))
        response = client.post(url("template_create"), data)
        assert response.status_code == 200
        assert "at least one step" in response.content.decode()
        data.update(self.step(0, "extended", "Groß", 40, 30, "open"))
        response = client.post(url("template_create"), data)
        assert response.status_code == 200
        assert "The minimum is larger than the maximum." in response.content.decode()
        assert not ProcessTemplate.objects.filter(name="Leer").exists()

    def test_broken_management_form_is_no_500(self, client, office):
        client.force_login(office)
        response = client.post(url("template_create"), {"template-name": "X"})
        assert response.status_code == 200

    def test_coordinator_refused(self, client, bonn_coordinator):
        client.force_login(bonn_coordinator)
        assert client.get(url("template_list")).status_code == 403
        assert client.get(url("template_create")).status_code == 403

    def test_list(self, client, office, program):
        client.force_login(office)
        response = client.get(url("template_list"))
        assert "Initiativworkshop" in response.content.decode()
