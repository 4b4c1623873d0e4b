"""What the process documentation shows: participants as figures, organisations by name only
where every reader may see them, network figures per workshop day; and its PDF."""

import datetime
import io
import re

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from bruecken.reports import services
from bruecken.reports.content import process_document


def test_participants_counted_from_attendance_or_confirmed_registrations(world):
    report = process_document(world.process)
    by_pk = {w.pk: w for w in report["workshops"]}
    initiative = by_pk[world.initiative.pk].participation
    # Two marked attended; the no-show does not count.
    assert initiative["count"] == 2
    assert initiative["recorded"] is True
    extended = by_pk[world.extended.pk].participation
    # No attendance recorded: the confirmed registrations (not the waiting list).
    assert extended["count"] == 4
    assert extended["recorded"] is False
    assert report["held_count"] == 2
    assert by_pk[world.planned.pk].is_held is False


def test_organisations_named_only_where_every_reader_may_see_them(world):
    initiative = next(
        w for w in process_document(world.process)["workshops"] if w.pk == world.initiative.pk
    )
    # Bonn's own organisations by name, public or not; Kiel's non-public one only counted.
    assert initiative.participation["organisations"] == [
        "Ghanaischer Verein Bonn",
        "Stadt Bonn Internationales",
    ]
    assert initiative.participation["unnamed_organisations"] == 1


def test_membership_outside_the_workshop_day_does_not_count(world):
    membership = world.migrant.memberships.get()
    membership.started_on = timezone.localdate()
    membership.save()
    initiative = next(
        w for w in process_document(world.process)["workshops"] if w.pk == world.initiative.pk
    )
    assert "Ghanaischer Verein Bonn" not in initiative.participation["organisations"]


def test_network_rows_from_baseline_to_today(world):
    rows = process_document(world.process)["network"]
    days = [row["day"] for row in rows]
    initiative_day = timezone.localdate(world.initiative.starts_at)
    assert days[0] == initiative_day - datetime.timedelta(days=1)
    assert days[1] == initiative_day
    assert days[-1] == timezone.localdate()
    assert days == sorted(days)
    # The planned workshop's day lies ahead: not measured.
    assert timezone.localdate(world.planned.starts_at) not in days
    baseline, today = rows[0], rows[-1]
    assert baseline["edges"] == 0
    # The tie of 40 days ago and the co-attendance link migrant and administration: one edge
    # across the sides.
    assert today["edges_across"] >= 1
    assert today["ei_index"] is not None


def test_no_network_before_the_first_workshop(bonn, reference_data):
    from bruecken.programs.tests.factories import LocalProcessFactory

    process = LocalProcessFactory(municipality=bonn)
    assert process_document(process)["network"] == []


def _queries(process):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        process_document(process)
    return len(context)


def test_query_count_does_not_grow_with_the_workshops(world, django_assert_max_num_queries):
    from bruecken.events.models import AgendaItem
    from bruecken.events.tests.factories import EventFactory, RegistrationFactory
    from bruecken.programs.models import Result, ResultKind

    before = _queries(world.process)
    for days in (10, 5):
        workshop = EventFactory(
            process=world.process,
            starts_at=timezone.now() - datetime.timedelta(days=days),
            minutes="Protokoll",
        )
        AgendaItem.objects.create(event=workshop, starts_at=datetime.time(9), title="Start")
        RegistrationFactory(event=workshop, attended=True)
        result = Result.objects.create(workshop=workshop, kind=ResultKind.LESSON, text="Gelernt")
        result.organisations.add(world.migrant)
    assert _queries(world.process) == before
    with django_assert_max_num_queries(20):
        process_document(world.process)


@pytest.fixture
def pdf(world):
    with translation.override("en"):
        _html, data = services.render_process_document(world.process)
    return PdfReader(io.BytesIO(data))


@pytest.fixture
def pdf_pages(pdf):
    return [page.extract_text() for page in pdf.pages]


def test_pdf_holds_workshops_goals_results_and_organisations(pdf_pages):
    text = "\n".join(pdf_pages)
    for expected in (
        "Initiativworkshop Bonn",
        "Erweiterter Workshop Bonn",
        "Runder Tisch Migration und Entwicklung",
        "Der Runde Tisch tagt viermal im Jahr",
        "Zweimal getagt",
        "Vereinbarung über einen Runden Tisch",
        "Erste Sitzung",
        "Ghanaischer Verein Bonn",
        "Stadt Bonn Internationales",
        "Cape Coast",
        "Begrüßung",
        "Runden Tisch",  # the minutes
    ):
        assert expected in text, expected
    # No participant names, no contact details, no other municipality's non-public organisation.
    assert "Person " not in text
    assert "@example.org" not in text
    assert "Geheimer Verein Kiel" not in text


def test_pdf_has_page_numbers_running_header_and_toc_pages(pdf, pdf_pages):
    total = len(pdf_pages)
    assert "Page" not in pdf_pages[0]  # the title page
    assert f"Page 2 of {total}" in pdf_pages[1]
    assert f"Page {total} of {total}" in pdf_pages[-1]
    assert "The local process of Bonn" in pdf_pages[-1]
    contents = next(page for page in pdf_pages if page.startswith("Contents"))
    # Each entry ends in the page its section starts on.
    goals = re.search(r"Goals \.+ (\d+)", contents)
    assert goals
    assert pdf_pages[int(goals.group(1)) - 1].startswith("Goals")
    # Tagged (PDF/UA-1), in the document's language.
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
