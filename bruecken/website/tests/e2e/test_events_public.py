"""The events calendar, the event page and registering without an account, in the browser as a
visitor without an account: axe-core finds no WCAG 2.1 A/AA violation on the calendar list, the
month view (wide and narrow), the event page and the registration form showing its errors, in
German and English; the registration works with the keyboard alone, from the form to the link in
the e-mail; and the issue's "done when": register for the demo program's open advisory seminar
and confirm by the e-mail link."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, tab_to, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def outbox(settings, live_server):
    """The e-mails sent, also by the live server's thread (same process, so the same
    django.core.mail module); links in them point at the live server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = live_server.url
    mail.outbox = []
    return lambda: mail.outbox


@pytest.fixture
def events(live_server, bonn):
    from bruecken.events.models import Registration
    from bruecken.events.tests.factories import EventFactory, RegistrationFactory
    from bruecken.programs.models import Admission, WorkshopKind
    from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory

    program = ProgramFactory(name="Migration und Entwicklung", municipalities=[bonn])
    process = LocalProcessFactory(program=program, municipality=bonn)
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=0, second=0)
    workshop = EventFactory(
        process=process,
        title="Erweiterter Workshop Bonn",
        title_en="Extended workshop Bonn",
        description="Für alle, die in Bonn mitmachen wollen.",
        description_en="For everyone who wants to join in Bonn.",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        capacity=30,
    )
    RegistrationFactory(event=workshop)
    EventFactory(
        process=process,
        title="Abgesagter Workshop Bonn",
        starts_at=start + timedelta(days=1),
        cancelled_at=timezone.now(),
    )
    EventFactory(
        process=None,
        program=program,
        kind=WorkshopKind.SEMINAR,
        title="Beratungsseminar: Fördermittel",
        starts_at=start + timedelta(hours=26),
        venue="Online",
        online_url="https://konferenz.example/seminar",
        capacity=1,
    )
    EventFactory(
        process=process,
        kind=WorkshopKind.INITIATIVE,
        admission=Admission.INVITED,
        title="Initiativworkshop Bonn",
        starts_at=start - timedelta(days=40),
    )
    assert Registration.objects.count() == 1
    return workshop


def confirmation_link(outbox, index=-1):
    message = outbox()[index]
    return re.search(r"http://\S+/participate/confirm/\S+/", message.body).group(0)


# axe-core on every page type, in both languages


def test_calendar_list_is_accessible(page, live_server, events, language):
    open_page(page, url(live_server, language, "website:calendar"))
    expect(page.locator(".calendar-event")).to_have_count(3)
    expect(page.locator(".calendar-event-cancelled .badge-cancelled")).to_be_visible()
    assert_accessible(page)
    # With filters applied, and the past.
    bonn = events.process.municipality_id
    open_page(page, url(live_server, language, "website:calendar", query=f"?municipality={bonn}"))
    expect(page.locator(".calendar-event")).to_have_count(2)
    assert_accessible(page)
    open_page(page, url(live_server, language, "website:calendar", query="?when=past"))
    expect(page.locator(".calendar-event")).to_have_count(1)
    assert_accessible(page)
    # Reflows to a narrow screen without scrolling sideways.
    page.set_viewport_size(NARROW)
    open_page(page, url(live_server, language, "website:calendar"))
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_month_view_is_accessible_wide_and_narrow(page, live_server, events, language):
    start = timezone.localtime(events.starts_at)
    open_page(page, url(live_server, language, "website:calendar_month", start.year, start.month))
    table = page.locator("table.month-table")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_count(7)
    title = events.title_en if language == "en" else events.title
    expect(table.get_by_role("link", name=re.compile(re.escape(title)))).to_be_visible()
    assert_accessible(page)
    # On a narrow screen the month is a list of its days with events.
    page.set_viewport_size(NARROW)
    expect(table).to_be_hidden()
    agenda = page.locator(".month-agenda")
    expect(agenda.get_by_role("link", name=re.compile(re.escape(title)))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible(page)


def test_event_page_is_accessible(page, live_server, events, language):
    open_page(page, url(live_server, language, "participate:event", events.pk))
    title = events.title_en if language == "en" else events.title
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("form.public-registration")).to_be_visible()
    assert_accessible(page)


def test_registration_form_with_errors_is_accessible(page, live_server, events, language):
    open_page(page, url(live_server, language, "participate:event", events.pk))
    page.locator("#id_email").fill("not an address")
    page.locator("form.public-registration button[type=submit]").press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for name in ("name", "email", "privacy"):
        field = page.locator(f"#id_{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"id_{name}_error"))
        expect(summary.locator(f'a[href="#id_{name}"]')).to_have_count(1)
    expect(page.locator("#id_email")).to_have_value("not an address")
    assert_accessible(page)


# The whole registration with the keyboard alone


def test_registration_with_the_keyboard_alone(page, live_server, events, outbox, language):
    from bruecken.events.models import Registration

    open_page(page, url(live_server, language, "participate:event", events.pk))
    tab_to(page, "#id_name")
    page.keyboard.type("Amina Diallo")
    page.keyboard.press("Tab")
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.type("amina.diallo@example.org")
    page.keyboard.press("Tab")
    expect(page.locator("#id_organisation")).to_be_focused()
    page.keyboard.type("Verein Brücke Westafrika")
    # Sent without ticking the privacy box: the form comes back with the error.
    tab_to(page, "form.public-registration button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    assert not outbox()
    expect(page.locator("#id_name")).to_have_value("Amina Diallo")
    # The error summary's link leads to the box: tick it, go on to the button, back and send.
    tab_to(page, '.error-summary a[href="#id_privacy"]')
    page.keyboard.press("Enter")
    privacy = page.locator("#id_privacy")
    expect(privacy).to_be_focused()
    page.keyboard.press("Space")
    expect(privacy).to_be_checked()
    tab_to(page, "form.public-registration button[type=submit]")
    tab_to(page, "#id_privacy", key="Shift+Tab")
    expect(privacy).to_be_checked()
    tab_to(page, "form.public-registration button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_contain_text("amina.diallo@example.org")
    assert len(outbox()) == 1
    assert not Registration.objects.filter(person__email="amina.diallo@example.org").exists()

    # The link in the e-mail opens the confirmation page; only the button registers.
    open_page(page, confirmation_link(outbox))
    expect(page.locator("main")).to_contain_text("Verein Brücke Westafrika")
    assert not Registration.objects.filter(person__email="amina.diallo@example.org").exists()
    assert_accessible(page)
    tab_to(page, "form.confirm-registration button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("form.confirm-registration")).to_have_count(0)
    registration = Registration.objects.get(event=events, person__email="amina.diallo@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.person.language == language
    confirmation = outbox()[-1]
    assert confirmation.to == ["amina.diallo@example.org"]
    assert confirmation.attachments[0][0] == "event.ics"
    assert_accessible(page)


# Done when: register for an open advisory seminar without an account, confirm by the link


def test_register_for_the_demo_seminar_and_confirm_by_the_link(
    page, live_server, reference_data, outbox, language
):
    from bruecken.demo.program import create_demo_program
    from bruecken.demo.registry import create_demo_data
    from bruecken.events.models import Event, Registration
    from bruecken.programs.models import Admission, WorkshopKind

    create_demo_data()
    create_demo_program()
    seminar = Event.objects.get(kind=WorkshopKind.SEMINAR, admission=Admission.OPEN)
    email = f"new.visitor.{language}@example.org"

    # The calendar, filtered to advisory seminars, leads to the seminar's page.
    open_page(page, url(live_server, language, "website:calendar"))
    page.locator("#id_kind").select_option(WorkshopKind.SEMINAR)
    page.locator(".calendar-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"kind=seminar"))
    page.get_by_role("link", name=seminar.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seminar.title)

    page.locator("#id_name").fill("Neue Besucherin")
    page.locator("#id_email").fill(email)
    page.locator("#id_privacy").check()
    page.locator("form.public-registration button[type=submit]").click()
    expect(page.locator(".message-success")).to_contain_text(email)

    open_page(page, confirmation_link(outbox))
    page.locator("form.confirm-registration button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    registration = Registration.objects.get(event=seminar, person__email=email)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.source == Registration.Source.SELF
    assert not registration.person.is_public
    # Opening the link again registers nobody twice.
    open_page(page, confirmation_link(outbox, 0))
    expect(page.locator("form.confirm-registration")).to_have_count(0)
    assert Registration.objects.filter(event=seminar, person__email=email).count() == 1
