"""The confirmation before what cannot be undone, in the browser: reached and answered with the
keyboard alone, and without WCAG 2.1 A/AA violations, in German and English."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import services
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, tab_to, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]

Status = Registration.Status


@pytest.fixture
def workshop(reference_data, bonn):
    starts = timezone.now() + timedelta(days=30)
    return EventFactory(
        process__municipality=bonn,
        title="Erweiterter Workshop Bonn",
        capacity=1,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        is_published=True,
    )


def test_staff_cancel_a_registration_with_the_keyboard(
    page, live_server, log_in, bonn_coordinator, workshop, language
):
    holder = RegistrationFactory(event=workshop, person__name="Amina Diallo")
    RegistrationFactory(event=workshop, status=Status.WAITING, queued_at=timezone.now())
    log_in(bonn_coordinator)
    open_page(page, url(live_server, language, "events:registration_cancel", holder.pk))
    assert_accessible(page)
    # Back is a link, the confirmation a button: both in the tab order, the button first.
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    holder.refresh_from_db()
    assert holder.status == Status.CANCELLED
    assert Registration.objects.filter(status=Status.OFFERED).exists()


def test_participant_goes_back_with_the_keyboard(page, live_server, log_in, workshop, language):
    person = PersonFactory(user=UserFactory())
    registration = services.take_place(workshop, person, source=Registration.Source.SELF)
    log_in(person.user)
    open_page(page, url(live_server, language, "participate:cancel", registration.pk))
    assert_accessible(page)
    tab_to(page, "main form a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(
        url(live_server, language, "participate:mine").removeprefix(live_server.url)
    )
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
