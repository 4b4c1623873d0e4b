"""The program and process dashboards (served by events under the programs' URL names)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.events.models import Event, Registration
from bruecken.events.tests.factories import RegistrationFactory
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.programs import services
from bruecken.programs.models import Admission, Goal, LocalProcess, Result, WorkshopKind
from bruecken.programs.tests.factories import ProgramFactory
from bruecken.tests.helpers import url_maker

Status = Registration.Status


url = url_maker("programs", language="en")


@pytest.fixture
def bonn_process(program, bonn, office):
    return services.start_local_process(office, program, bonn)


def fill_process(process, people=3, now=None):
    """Dates, registrations, attendance, goals and results for every workshop of a process."""
    now = now or timezone.now()
    workshops = list(process.workshops.order_by("position"))
    for offset, workshop in enumerate(workshops):
        workshop.starts_at = now + timedelta(days=30 * offset - 20)
        workshop.ends_at = workshop.starts_at + timedelta(hours=5)
        workshop.venue = "Altes Rathaus"
        workshop.is_published = True
        workshop.save()
        for _ in range(people):
            RegistrationFactory(
                event=workshop,
                person=PersonFactory(municipality=process.municipality),
                attended=True if workshop.starts_at < now else None,
            )
    initiative = workshops[0]
    goal = Goal.objects.create(
        process=process, workshop=initiative, title="Netzwerk", indicator="Zehn Treffen"
    )
    result = Result.objects.create(workshop=initiative, kind="agreement", text="Runder Tisch")
    result.goals.add(goal)
    result.organisations.add(OrganisationFactory(municipality=process.municipality))
    return workshops


class TestProgramDashboard:
    def test_office_sees_every_municipality_side_by_side(
        self, client, office, program, bonn_process
    ):
        fill_process(bonn_process)
        client.force_login(office)
        response = client.get(url("program_detail", program.pk))
        assert response.status_code == 200
        rows = {row["municipality"].name: row for row in response.context["rows"]}
        assert set(rows) == {"Bonn", "Kiel"}
        bonn_row = rows["Bonn"]
        assert bonn_row["reached"].position == 1
        assert bonn_row["next"].position == 2
        assert bonn_row["participants"] == 3
        assert bonn_row["registered"] == 9
        assert (bonn_row["goals"], bonn_row["rated"]) == (1, 0)
        assert (bonn_row["results"], bonn_row["open_results"]) == (1, 1)
        assert rows["Kiel"]["process"] is None
        assert rows["Kiel"]["can_start"]
        content = response.content.decode()
        assert url("process_detail", bonn_process.pk) in content
        assert url("process_start", program.pk, rows["Kiel"]["municipality"].pk) in content

    def test_coordinator_sees_own_municipality_only(
        self, client, kiel_coordinator, program, bonn_process
    ):
        client.force_login(kiel_coordinator)
        response = client.get(url("program_detail", program.pk))
        assert response.status_code == 200
        assert [row["municipality"].name for row in response.context["rows"]] == ["Kiel"]
        assert url("process_detail", bonn_process.pk) not in response.content.decode()

    def test_coordinator_of_another_municipality_refused(self, client, program):
        other = user_with_role(Role.COORDINATOR, municipality=MunicipalityFactory())
        client.force_login(other)
        assert client.get(url("program_detail", program.pk)).status_code == 403

    def test_unknown_program_is_404(self, client, office):
        client.force_login(office)
        assert client.get(url("program_detail", 987654)).status_code == 404

    def test_coming_events_link_only_where_the_user_may_open_them(
        self, client, kiel_coordinator, program, bonn_process, kiel
    ):
        fill_process(bonn_process)
        kiel_process = services.start_local_process(kiel_coordinator, program, kiel)
        fill_process(kiel_process)
        client.force_login(kiel_coordinator)
        response = client.get(url("program_detail", program.pk))
        events = response.context["coming_events"]
        assert events
        assert {e.process.municipality.name for e in events} == {"Kiel"}
        assert all(e.can_open for e in events)

    def test_query_count_does_not_grow_with_municipalities(self, client, office, program):
        client.force_login(office)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url("program_detail", program.pk)).status_code == 200
            return len(captured)

        first = LocalProcess.objects.filter(
            program=program
        ).first() or services.start_local_process(
            office, program, program.municipalities.order_by("name").first()
        )
        fill_process(first, people=1)
        few = queries()
        for _ in range(4):
            municipality = MunicipalityFactory()
            program.municipalities.add(municipality)
            fill_process(services.start_local_process(office, program, municipality), people=4)
        Event.objects.create(  # program-level events are listed too
            program=program,
            kind=WorkshopKind.EXCHANGE,
            title="Erfahrungsaustausch",
            capacity=20,
            admission=Admission.DELEGATES,
            starts_at=timezone.now() + timedelta(days=5),
        )
        many = queries()
        assert few == many


class TestBelowMinimum:
    """Bonn's first extended workshop had 22 participants of at least 30: the dashboards warn
    (issue 13). Participants are `Registration.objects.participants`: those marked attended
    where attendance was recorded, else the confirmed."""

    @pytest.fixture
    def extended(self, bonn_process):
        workshop = bonn_process.workshops.get(kind=WorkshopKind.EXTENDED, position=2)
        assert workshop.capacity_min == 30  # from the template's step
        workshop.starts_at = timezone.now() - timedelta(days=10)
        workshop.ends_at = workshop.starts_at + timedelta(hours=5)
        workshop.venue = "Altes Rathaus"
        workshop.is_published = True
        workshop.save()
        return workshop

    def register(self, workshop, count, **kwargs):
        for _ in range(count):
            RegistrationFactory(event=workshop, **kwargs)

    def test_program_dashboard_names_a_held_workshop_below_its_minimum(
        self, client, office, program, bonn_process, extended
    ):
        # 31 confirmed, but attendance was recorded: 22 came, 9 did not.
        self.register(extended, 22, attended=True)
        self.register(extended, 9, attended=False)
        client.force_login(office)
        response = client.get(url("program_detail", program.pk))
        bonn = next(r for r in response.context["rows"] if r["municipality"].name == "Bonn")
        assert bonn["warnings"] == 1
        assert [w.pk for _m, _p, w in response.context["attention"]] == [extended.pk]
        content = response.content.decode()
        assert 'aria-labelledby="attention-heading"' in content
        assert "Workshops below their minimum" in content
        assert "had 22 participants, fewer than its minimum of 30." in content
        assert url("process_detail", bonn_process.pk) in content

    def test_confirmed_count_where_attendance_was_not_recorded(
        self, client, office, program, bonn_process, extended
    ):
        self.register(extended, 30)
        self.register(extended, 5, status=Status.CANCELLED)
        client.force_login(office)
        response = client.get(url("program_detail", program.pk))
        assert response.context["attention"] == []
        assert "Workshops below their minimum" not in response.content.decode()
        Registration.objects.filter(event=extended, status=Status.CONFIRMED).first().delete()
        response = client.get(url("program_detail", program.pk))
        assert [w.pk for _m, _p, w in response.context["attention"]] == [extended.pk]
        assert "had 29 participants" in response.content.decode()

    def test_process_dashboard_warns_too(self, client, bonn_coordinator, bonn_process, extended):
        self.register(extended, 22, attended=True)
        self.register(extended, 9, attended=False)
        client.force_login(bonn_coordinator)
        response = client.get(url("process_detail", bonn_process.pk))
        assert [w.pk for w in response.context["warnings"]] == [extended.pk]
        content = response.content.decode()
        assert "had 22 participants, fewer than its minimum of 30." in content
        assert "22 took part." in content

    def test_participants_so_far_count_who_took_part(
        self, client, office, program, bonn_process, extended
    ):
        self.register(extended, 2, attended=True)
        self.register(extended, 1, attended=False)
        initiative = bonn_process.workshops.get(position=1)
        initiative.starts_at = timezone.now() - timedelta(days=40)
        initiative.save()
        # Attendance not recorded there: the confirmed took part.
        self.register(initiative, 4)
        coming = bonn_process.workshops.get(position=3)
        coming.starts_at = timezone.now() + timedelta(days=20)
        coming.save()
        self.register(coming, 6)
        client.force_login(office)
        response = client.get(url("program_detail", program.pk))
        bonn = next(r for r in response.context["rows"] if r["municipality"].name == "Bonn")
        assert bonn["participants"] == 6

    def test_german_page(self, client, office, program, bonn_process, extended):
        self.register(extended, 22, attended=True)
        client.force_login(office)
        content = client.get(f"/de/programs/{program.pk}/").content.decode()
        assert "Workshops unter ihrer Mindestzahl" in content
        assert "hatte 22 Teilnehmende, weniger als die Mindestzahl von 30." in content


class TestProcessDashboard:
    def test_timeline_states_and_places(self, client, bonn_coordinator, bonn_process):
        workshops = fill_process(bonn_process)
        workshops[3].cancelled_at = timezone.now()
        workshops[3].save()
        Event.objects.filter(pk=workshops[2].pk).update(is_published=False)
        client.force_login(bonn_coordinator)
        response = client.get(url("process_detail", bonn_process.pk))
        assert response.status_code == 200
        states = [w.state for w in response.context["workshops"]]
        assert states == ["held", "published", "draft", "cancelled"]
        assert response.context["workshops"][1].confirmed_count == 3
        content = response.content.decode()
        assert "Netzwerk" in content
        assert "Runder Tisch" in content

    def test_marks_the_goals_and_results_shown_on_the_website(
        self, client, bonn_coordinator, bonn_process
    ):
        fill_process(bonn_process)
        Result.objects.filter(text="Runder Tisch").update(is_public=True)
        client.force_login(bonn_coordinator)
        content = client.get(url("process_detail", bonn_process.pk)).content.decode()
        assert content.count("On the website") == 1
        Goal.objects.filter(process=bonn_process).update(is_public=True)
        content = client.get(url("process_detail", bonn_process.pk)).content.decode()
        assert content.count("On the website") == 2

    def test_warning_for_a_workshop_a_week_away_below_its_minimum(
        self, client, bonn_coordinator, bonn_process
    ):
        workshop = bonn_process.workshops.get(position=2)
        workshop.starts_at = timezone.now() + timedelta(days=6)
        workshop.is_published = True
        workshop.venue = "Rathaus"
        workshop.save()
        RegistrationFactory(event=workshop)
        later = bonn_process.workshops.get(position=3)
        later.starts_at = timezone.now() + timedelta(days=8)
        later.save()
        client.force_login(bonn_coordinator)
        response = client.get(url("process_detail", bonn_process.pk))
        assert [w.pk for w in response.context["warnings"]] == [workshop.pk]
        assert "fewer than its minimum of 30" in response.content.decode()

    def test_no_warning_when_minimum_is_reached(self, client, bonn_coordinator, bonn_process):
        workshop = bonn_process.workshops.get(position=1)
        workshop.starts_at = timezone.now() + timedelta(days=3)
        workshop.save()
        for _ in range(12):
            RegistrationFactory(event=workshop)
        RegistrationFactory(event=workshop, status=Status.WAITING)
        client.force_login(bonn_coordinator)
        response = client.get(url("process_detail", bonn_process.pk))
        assert response.context["warnings"] == []

    @pytest.mark.parametrize("who", ["office", "bonn_coordinator", "bonn_facilitator"])
    def test_who_may_open_it(self, client, request, bonn_process, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("process_detail", bonn_process.pk)).status_code == 200

    def test_kiel_coordinator_refused(self, client, kiel_coordinator, bonn_process):
        client.force_login(kiel_coordinator)
        assert client.get(url("process_detail", bonn_process.pk)).status_code == 403

    def test_query_count_does_not_grow_with_rows(self, client, office, bonn_process):
        client.force_login(office)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url("process_detail", bonn_process.pk)).status_code == 200
            return len(captured)

        fill_process(bonn_process, people=1)
        few = queries()
        initiative = bonn_process.workshops.get(position=1)
        for number in range(6):
            goal = Goal.objects.create(
                process=bonn_process,
                workshop=initiative,
                title=f"Ziel {number}",
                indicator="messbar",
                responsible=OrganisationFactory(municipality=bonn_process.municipality),
            )
            result = Result.objects.create(workshop=initiative, kind="project_idea", text="Idee")
            result.goals.add(goal)
            result.organisations.add(OrganisationFactory(municipality=bonn_process.municipality))
        for workshop in bonn_process.workshops.all():
            for _ in range(5):
                RegistrationFactory(event=workshop, status=Status.WAITING)
        many = queries()
        assert few == many


def test_program_dashboard_pages_through_many_municipalities(client, office):
    from bruecken.events.dashboard_views import MUNICIPALITIES_PER_PAGE

    municipalities = MunicipalityFactory.create_batch(MUNICIPALITIES_PER_PAGE + 3)
    program = ProgramFactory(municipalities=municipalities)
    client.force_login(office)
    first = client.get(f"/en/programs/{program.pk}/")
    last = client.get(f"/en/programs/{program.pk}/", {"page": 2})
    assert len(first.context["rows"]) == MUNICIPALITIES_PER_PAGE
    assert len(last.context["rows"]) == 3
    shown = {row["municipality"] for row in first.context["rows"] + last.context["rows"]}
    assert shown == set(municipalities)
    assert client.get(f"/en/programs/{program.pk}/", {"page": "x"}).status_code == 200
