"""The history on staff pages: what the audit stored (labels in the writer's language, times in
UTC as text, German titles) read in the reader's language and time zone."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.tests.helpers import url_maker

pytestmark = pytest.mark.usefixtures("language_reset")

CHECKED_IN = datetime(2026, 12, 7, 18, 23, 1, 20798, tzinfo=UTC)


@pytest.fixture
def person(bonn):
    return PersonFactory(municipality=bonn, name="Abena Schulz")


@pytest.fixture
def registered(office, person):
    """A registration recorded as a German-speaking organiser's request records it."""
    registration = RegistrationFactory(
        event=EventFactory(title="Initiativworkshop Kiel"),
        person=person,
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.ORGANISER,
        checked_in_at=CHECKED_IN,
    )
    with translation.override("de"):
        fields = ["status", "source", "checked_in_at"]
        changes = audit.diff({}, audit.snapshot(registration, fields))
        audit.record(office, AuditEntry.Action.CREATE, registration, changes, subjects=[person])
    assert changes["status"][1] == "bestätigt"
    assert changes["checked_in_at"][1] == "2026-12-07 18:23:01.020798+00:00"
    return registration


def page(client, office, person, language):
    client.force_login(office)
    return client.get(url_maker("actors", language=language)("person_detail", person.pk)).content


def test_english_history_reads_in_english(client, office, person, registered):
    html = page(client, office, person, "en").decode()
    assert "bestätigt" not in html and "vom Veranstaltungsteam" not in html
    assert "<td>confirmed</td>" in html and "<td>added by the organisers</td>" in html
    # The time in Berlin (UTC+1 in December), in the English format; not the stored text (which
    # begins so; the entries made today carry today's date in their <time> elements).
    assert "2026-12-07 18:23" not in html
    assert "<td>Dec. 7, 2026, 7:23 p.m.</td>" in html
    # The German title the entry keeps is marked as German; the status in parentheses is not.
    assert '“<span lang="de">Abena Schulz – Initiativworkshop Kiel </span>(confirmed)”' in html


def test_german_history_reads_in_german(client, office, person, registered):
    html = page(client, office, person, "de").decode()
    assert "<td>bestätigt</td>" in html
    assert "<td>7. Dezember 2026 19:23</td>" in html
    history = html.split('id="history-heading"')[1].split("</section>")[0]
    assert 'lang="de"' not in history


def test_an_english_writers_labels_read_in_german(client, office, person):
    registration = RegistrationFactory(person=person, status=Registration.Status.WAITING)
    with translation.override("en"):
        changes = audit.diff({}, audit.snapshot(registration, ["status"]))
        audit.record(office, AuditEntry.Action.CREATE, registration, changes, subjects=[person])
    html = page(client, office, person, "de").decode()
    with translation.override("en"):
        english = str(Registration.Status.WAITING.label)
    with translation.override("de"):
        german = str(Registration.Status.WAITING.label)
    assert english != german
    assert f"<td>{german}</td>" in html and f"<td>{english}</td>" not in html


def test_english_versions_are_marked_english_on_german_pages(office, person):
    from bruecken.accounts.history import describe_entries

    entry = audit.record(
        office,
        AuditEntry.Action.UPDATE,
        person,
        {"title_en": ["", "Extended workshop"], "title": ["", "Erweiterter Workshop"]},
    )
    with translation.override("de"):
        (described,) = describe_entries([entry])
        english, german = described["changes"][0]["new"], described["changes"][1]["new"]
        assert (english.lang, german.lang) == ("en", "")
    with translation.override("en"):
        (described,) = describe_entries([entry])
        english, german = described["changes"][0]["new"], described["changes"][1]["new"]
        assert (english.lang, german.lang) == ("", "de")
