"""At 375 CSS pixels (a small phone) the staff tables are cards: the check-in buttons are on the
screen and nothing scrolls sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.events.models import AgendaItem, Invitation
from bruecken.events.tests.factories import RegistrationFactory
from bruecken.programs.models import Goal, Result
from bruecken.programs.services import start_local_process
from bruecken.programs.tests.factories import ProgramFactory
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]

WIDTH = 375


@pytest.fixture
def workshop_today(reference_data, bonn):
    """Bonn's initiative workshop under way, with three confirmed participants whose
    organisations have long names."""
    coordinator = user_with_role(Role.COORDINATOR, municipality=bonn)
    program = ProgramFactory(
        name="Migration und Entwicklung auf lokaler Ebene", municipalities=[bonn]
    )
    process = start_local_process(coordinator, program, bonn)
    workshop = process.workshops.order_by("position").first()
    now = timezone.now()
    workshop.starts_at = now - timedelta(minutes=30)
    workshop.ends_at = now + timedelta(hours=5)
    workshop.is_published = True
    workshop.save()
    for number in range(3):
        organisation = OrganisationFactory(
            municipality=bonn,
            name=f"Deutsch-Ghanaische Gesellschaft für Entwicklungszusammenarbeit {number}",
        )
        person = MembershipFactory(organisation=organisation).person
        RegistrationFactory(event=workshop, person=person)
    return coordinator, program, workshop


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # Nor inside a table's own scrolling box.
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap')]
            .filter((box) => box.scrollWidth > box.clientWidth + 1).length"""
    )
    assert overflowing == 0


def test_check_in_buttons_are_on_a_small_screen(
    page, live_server, log_in, workshop_today, language
):
    coordinator, _program, workshop = workshop_today
    page.set_viewport_size({"width": WIDTH, "height": 800})
    log_in(coordinator)
    open_page(page, url(live_server, language, "events:attendance", workshop.pk))
    buttons = page.locator("table.check-in button[value=yes]")
    expect(buttons).to_have_count(3)
    for index in range(3):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert_no_sideways_scroll(page)
    # Each card names its columns.
    label = "Anwesenheit" if language == "de" else "Attendance"
    expect(page.locator("table.check-in td[data-label]").first).to_be_visible()
    assert label in page.locator("table.check-in td").nth(1).evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    # Checking someone in still works in the card.
    buttons.first.click()
    expect(page.locator("table.check-in button[value=yes]")).to_have_count(2)
    assert_no_sideways_scroll(page)


def test_program_dashboard_has_no_sideways_scroll(
    page, live_server, log_in, workshop_today, language
):
    coordinator, program, _workshop = workshop_today
    page.set_viewport_size({"width": WIDTH, "height": 800})
    log_in(coordinator)
    open_page(page, url(live_server, language, "programs:program_detail", program.pk))
    # The table of the municipalities is a card per municipality (the other tables of the
    # page scroll in their own box when they must).
    wrap = page.locator(".dashboard-table").locator("xpath=..")
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth + 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_staff_tables_are_cards_on_a_small_screen(
    page, live_server, log_in, workshop_today, language
):
    """The other staff tables (agenda, invitations, goals, results, the registry's lists) are
    cards too: no page scrolls sideways, nor any table."""
    coordinator, _program, workshop = workshop_today
    bonn = workshop.process.municipality
    responsible = OrganisationFactory(
        municipality=bonn, name="Arbeitsgemeinschaft Entwicklungszusammenarbeit Bonn-Beuel"
    )
    AgendaItem.objects.create(
        event=workshop,
        starts_at="10:00",
        title="Begrüßung und Vorstellungsrunde der teilnehmenden Organisationen",
    )
    Invitation.objects.create(event=workshop, person=PersonFactory(municipality=bonn))
    goal = Goal.objects.create(
        process=workshop.process,
        workshop=workshop,
        title="Ein Netzwerk der Migrantenorganisationen mit der Verwaltung aufbauen",
        indicator="Zehn gemeinsame Treffen bis Ende des Jahres",
        responsible=responsible,
    )
    result = Result.objects.create(
        workshop=workshop, kind="agreement", text="Runder Tisch Migration und Entwicklung"
    )
    result.goals.add(goal)
    result.organisations.add(responsible)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    log_in(coordinator)
    for name, args in [
        ("events:event_detail", [workshop.pk]),
        ("programs:process_detail", [workshop.process_id]),
        ("actors:organisation_list", []),
        ("actors:person_list", []),
        ("staff_accounts:role_list", []),
    ]:
        open_page(page, url(live_server, language, name, *args))
        assert page.locator("table.responsive-table").count() >= 1, name
        assert_no_sideways_scroll(page)
    # A goal's card names its columns, in the page's language.
    open_page(page, url(live_server, language, "programs:process_detail", workshop.process_id))
    label = "Indikator" if language == "de" else "Indicator"
    cell = page.locator("table.responsive-table td[data-label]").first
    expect(cell).to_be_visible()
    assert label in cell.evaluate("cell => getComputedStyle(cell, '::before').content")
