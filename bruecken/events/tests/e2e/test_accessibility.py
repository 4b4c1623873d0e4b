"""The pages of programs, workshops and participation, in German and English, pass axe-core's
WCAG 2.1 A and AA checks: staff pages as Bonn's coordinator sees them, participant pages as the
participant does."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import services
from bruecken.events.models import AgendaItem, Invitation, Registration
from bruecken.events.tests.factories import RegistrationFactory
from bruecken.programs.services import start_local_process
from bruecken.programs.tests.factories import ProgramFactory
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


@dataclass
class Process:
    coordinator: object
    program: object
    process: object
    initiative: object  # today, with confirmed participants and pending invitations
    extended: object  # published, full, with a waiting list
    participant: object  # a person with an account, registered for the extended workshop


@pytest.fixture
def bonn_process(reference_data, bonn):
    coordinator = user_with_role(Role.COORDINATOR, municipality=bonn)
    program = ProgramFactory(
        name="Migration und Entwicklung auf lokaler Ebene", municipalities=[bonn]
    )
    process = start_local_process(coordinator, program, bonn)
    initiative, extended, *_rest = process.workshops.order_by("position")
    now = timezone.now()
    initiative.starts_at = now - timedelta(minutes=30)
    initiative.ends_at = now + timedelta(hours=5)
    initiative.venue = "Altes Rathaus, Markt 2, 53111 Bonn"
    initiative.is_published = True
    initiative.save()
    for person in PersonFactory.create_batch(3, municipality=bonn):
        RegistrationFactory(event=initiative, person=person, source="invitation")
    Invitation.objects.create(event=initiative, person=PersonFactory(municipality=bonn))
    extended.starts_at = now + timedelta(days=30)
    extended.ends_at = extended.starts_at + timedelta(hours=6)
    extended.venue = "Altes Rathaus, Markt 2, 53111 Bonn"
    extended.capacity_min = 1
    extended.capacity = 2
    extended.is_published = True
    extended.save()
    AgendaItem.objects.create(event=extended, starts_at="10:00", title="Begrüßung")
    participant = PersonFactory(name="Amina Diallo", municipality=bonn, user=UserFactory())
    for person in [participant, *PersonFactory.create_batch(2, municipality=bonn)]:
        services.take_place(extended, person, source=Registration.Source.SELF)
    return Process(coordinator, program, process, initiative, extended, participant)


# Staff pages


def test_program_dashboard(page, live_server, log_in, bonn_process, language):
    log_in(bonn_process.coordinator)
    open_page(page, url(live_server, language, "programs:program_detail", bonn_process.program.pk))
    assert_accessible(page)


def test_process_dashboard(page, live_server, log_in, bonn_process, language):
    log_in(bonn_process.coordinator)
    open_page(page, url(live_server, language, "programs:process_detail", bonn_process.process.pk))
    assert_accessible(page)


def test_workshop_with_registrations(page, live_server, log_in, bonn_process, language):
    log_in(bonn_process.coordinator)
    open_page(page, url(live_server, language, "events:event_detail", bonn_process.extended.pk))
    expect(page.get_by_text("Amina Diallo")).not_to_have_count(0)
    assert_accessible(page)


def test_workshop_form_with_errors(page, live_server, log_in, bonn_process, language):
    log_in(bonn_process.coordinator)
    open_page(page, url(live_server, language, "events:event_edit", bonn_process.extended.pk))
    page.locator("input[name=capacity_min]").fill("5")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("[aria-invalid=true]")).not_to_have_count(0)
    assert_accessible(page)


def test_invite_page(page, live_server, log_in, bonn_process, language):
    """Invitees are typed and picked with the keyboard (issue 16); axe with the listbox open
    and with the choice made."""
    bonn = bonn_process.process.municipality
    kwame = PersonFactory(name="Kwame Mensah", municipality=bonn)
    PersonFactory.create_batch(2, municipality=bonn)
    log_in(bonn_process.coordinator)
    open_page(page, url(live_server, language, "events:invite", bonn_process.initiative.pk))
    combobox = page.locator("#id_people")
    combobox.press_sequentially("mens", delay=20)
    expect(page.locator("#id_people-listbox").get_by_role("option")).to_have_count(1)
    assert_accessible(page)
    combobox.press("ArrowDown")
    combobox.press("Enter")
    expect(page.locator(f"input[name=people][value='{kwame.pk}']")).to_have_count(1)
    assert_accessible(page)
    page.locator("main form button.button[type=submit]").first.click()
    expect(page.locator("#invitations-heading")).to_be_visible()
    assert Invitation.objects.filter(event=bonn_process.initiative, person=kwame).exists()


def test_check_in_page(page, live_server, log_in, bonn_process, language):
    registration = bonn_process.initiative.registrations.first()
    services.mark_attendance(bonn_process.coordinator, registration, True)
    log_in(bonn_process.coordinator)
    open_page(page, url(live_server, language, "events:attendance", bonn_process.initiative.pk))
    expect(page.locator("main form button")).not_to_have_count(0)
    assert_accessible(page)


# Participant pages


def test_public_event_page(page, live_server, log_in, bonn_process, language):
    log_in(bonn_process.participant.user)
    open_page(page, url(live_server, language, "participate:event", bonn_process.extended.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(bonn_process.extended.title)
    assert_accessible(page)


def test_invitation_page_and_its_error(page, live_server, bonn_process, language):
    # The initiative workshop has begun: its invitations cannot be answered any more.
    invitation = Invitation.objects.create(
        event=bonn_process.extended, person=PersonFactory(email="k@example.org")
    )
    token = services.invitation_token(invitation)
    open_page(page, url(live_server, language, "participate:invitation", token))
    assert_accessible(page)
    page.locator("input[name=email]").fill("someone.else@example.org")
    page.locator("button[value=accept]").click()
    expect(page.locator("input[name=email]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_my_invitations_and_registrations(page, live_server, log_in, bonn_process, language):
    participant = bonn_process.participant
    Invitation.objects.create(event=bonn_process.initiative, person=participant)
    log_in(participant.user)
    open_page(page, url(live_server, language, "participate:mine"))
    expect(page.locator("nav a[aria-current=page]")).to_have_attribute(
        "href", re.compile(r"/participate/mine/$")
    )
    assert_accessible(page)
