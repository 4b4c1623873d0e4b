"""German content on English pages carries lang="de" (WCAG 3.1.2): event titles and
descriptions without an English version, in the calendar, on the event page and in a
participant's own list; staff pages and documents with German free text (names of
organisations are proper names and stay unmarked)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import RoleAssignmentFactory
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.events.models import AgendaItem
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.programs.models import Goal, Result
from bruecken.programs.services import start_local_process
from bruecken.programs.tests.factories import ProgramFactory
from bruecken.tests.helpers import url_maker

pytestmark = pytest.mark.usefixtures("language_reset")
url = url_maker("participate", language="en")


@pytest.fixture
def german_only(db):
    return EventFactory(title="Erweiterter Workshop Bonn", description="Wir planen gemeinsam.")


def test_the_event_page_marks_german_title_and_description(client, german_only):
    page = client.get(url("event", german_only.pk)).content.decode()
    assert '<h1 lang="de">Erweiterter Workshop Bonn</h1>' in page
    assert '<div class="description" lang="de"><p>Wir planen gemeinsam.</p></div>' in page


def test_an_english_version_is_shown_unmarked(client, db):
    event = EventFactory(
        title="Erweiterter Workshop Bonn", title_en="Extended workshop Bonn", description=""
    )
    page = client.get(url("event", event.pk)).content.decode()
    assert "<h1>Extended workshop Bonn</h1>" in page


def test_the_german_page_needs_no_marks(client, german_only):
    page = client.get(url("event", german_only.pk, language="de")).content.decode()
    main = page.split("<main")[1].split("</main>")[0]
    assert 'lang="de"' not in main


def test_the_calendar_marks_german_titles(client, german_only):
    page = client.get(url_maker(None, "en")("website:calendar")).content.decode()
    assert 'lang="de">Erweiterter Workshop Bonn</a>' in page


def test_my_events_mark_german_titles(client, german_only):
    person = PersonFactory()
    user = RoleAssignmentFactory(role=Role.PARTICIPANT).user
    person.user = user
    person.save()
    RegistrationFactory(event=german_only, person=person)
    client.force_login(user)
    page = client.get(url("mine")).content.decode()
    assert '<span lang="de">Erweiterter Workshop Bonn</span>' in page


# Staff pages and documents: German free text staff wrote, on English pages.

en = url_maker(None, "en")


@pytest.fixture
def process(office, bonn):
    program = ProgramFactory(name="Migration und Entwicklung", municipalities=[bonn])
    return start_local_process(office, program, bonn)


@pytest.fixture
def initiative(process):
    workshop = process.workshops.order_by("position").first()
    workshop.title = "Initiativworkshop Bonn"
    workshop.starts_at = timezone.now() - timedelta(days=1)
    workshop.venue = "Altes Rathaus"
    workshop.save()
    AgendaItem.objects.create(event=workshop, starts_at="10:00", title="Begrüßung")
    AgendaItem.objects.create(
        event=workshop, starts_at="11:00", title="Kaffeepause", title_en="Coffee break"
    )
    goal = Goal.objects.create(
        process=process, workshop=workshop, title="Netzwerk stärken", indicator="Zehn Treffen"
    )
    result = Result.objects.create(workshop=workshop, kind="agreement", text="Runder Tisch")
    result.goals.add(goal)
    return workshop


def test_the_network_page_marks_a_german_program_name(client, office, process):
    client.force_login(office)
    page = client.get(en("network:program", process.program_id)).content.decode()
    assert '<span lang="de">Migration und Entwicklung</span>' in page  # in the heading
    assert 'lang="de">Migration und Entwicklung</a>' in page  # in the breadcrumb


def test_the_process_dashboard_marks_german_text(client, office, initiative):
    client.force_login(office)
    page = client.get(en("programs:process_detail", initiative.process_id)).content.decode()
    assert 'lang="de">Migration und Entwicklung</a>' in page
    assert 'lang="de">Initiativworkshop Bonn</a>' in page
    assert '<span lang="de">Netzwerk stärken</span>' in page
    assert '<span lang="de">Zehn Treffen</span>' in page
    assert '<span lang="de">Runder Tisch</span>' in page
    assert 'from the template “<span lang="de">' in page


def test_the_process_dashboard_in_german_needs_no_marks(client, office, initiative):
    client.force_login(office)
    url = url_maker(None, "de")("programs:process_detail", initiative.process_id)
    main = client.get(url).content.decode().split("<main")[1].split("</main>")[0]
    assert 'lang="de"' not in main


def test_attendance_and_sign_in_sheet_mark_german_titles(client, office, initiative):
    client.force_login(office)
    page = client.get(en("events:attendance", initiative.pk)).content.decode()
    assert 'Check-in: <span lang="de">Initiativworkshop Bonn</span>' in page
    sheet = client.get(en("events:sign_in_sheet", initiative.pk)).content.decode()
    assert 'Sign-in sheet: <span lang="de">Initiativworkshop Bonn</span>' in sheet
    assert '<span lang="de">Altes Rathaus</span>' in sheet


def test_the_staff_event_page_marks_the_agenda(client, office, initiative):
    client.force_login(office)
    page = client.get(en("events:event_detail", initiative.pk)).content.decode()
    assert '<span lang="de">Begrüßung</span>' in page
    assert '<span class="hint" lang="en">Coffee break</span>' in page


def test_the_process_document_marks_german_text(client, office, initiative):
    client.force_login(office)
    page = client.get(en("reports:process_document", initiative.process_id)).content.decode()
    assert '<p class="report-subtitle" lang="de">Migration und Entwicklung</p>' in page
    assert 'lang="de">Initiativworkshop Bonn</h3>' in page
    assert '<span lang="de">Altes Rathaus</span>' in page
    assert '<td lang="de">Begrüßung</td>' in page
    assert "<td>Coffee break</td>" in page
    assert 'lang="de">Netzwerk stärken</h3>' in page
    assert '<dd lang="de">Zehn Treffen</dd>' in page
    assert 'follows the template “<span lang="de">' in page


def test_staff_actor_pages_mark_german_free_text(client, office, bonn):
    organisation = OrganisationFactory(municipality=bonn, name="Verein Brücke e.V.")
    person = PersonFactory(municipality=bonn, competences="Übersetzen, Moderation")
    MembershipFactory(organisation=organisation, person=person, role="Vorsitzende")
    client.force_login(office)
    page = client.get(en("actors:organisation_detail", organisation.pk)).content.decode()
    assert '<span lang="de">Vorsitzende</span>' in page
    page = client.get(en("actors:person_detail", person.pk)).content.decode()
    assert '<dd lang="de">Übersetzen, Moderation</dd>' in page
    assert '<span lang="de">Vorsitzende</span>' in page


def test_the_language_note_is_styled_readably():
    """The visible "(in German)" is quieter than the text but keeps a contrast of 4.5:1 on the
    white page and the grey panels (WCAG 1.4.3)."""
    css = (Path(__file__).parents[1] / "static" / "css" / "app.css").read_text()
    rule = re.search(r"\.language-note \{([^}]*)\}", css).group(1)
    colour = re.search(r"color: var\(--(\w+)\)", rule).group(1)
    value = re.search(rf"--{colour}: (#[0-9a-f]{{6}})", css).group(1)

    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    surface = re.search(r"--surface: (#[0-9a-f]{6})", css).group(1)
    for background in ("#ffffff", surface):
        contrast = (luminance(background) + 0.05) / (luminance(value) + 0.05)
        assert contrast >= 4.5, (background, contrast)
