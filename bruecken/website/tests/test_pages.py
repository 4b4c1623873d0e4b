"""Home, program and municipality pages: what they show, what they must never show (drafts,
internal goals and results, organisations without consent), both languages, and a fixed number
of queries however much there is to show."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.events.overview import workshop_state
from bruecken.events.tests.factories import EventFactory
from bruecken.places.models import Municipality
from bruecken.places.tests.factories import MunicipalityFactory, PartnershipFactory
from bruecken.programs.models import (
    Goal,
    GoalRating,
    Program,
    Rating,
    Result,
    ResultKind,
    ResultStatus,
    WorkshopKind,
)
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory
from bruecken.website.models import NewsArticle
from bruecken.website.views.pages import (
    ProcessState,
    Step,
    current_program,
    describe_processes,
    process_state,
)

pytestmark = pytest.mark.django_db

KINDS = [
    WorkshopKind.INITIATIVE,
    WorkshopKind.EXTENDED,
    WorkshopKind.EXTENDED,
    WorkshopKind.EVALUATION,
]


def url(name, *args, language="de", query=""):
    with translation.override(language):
        return reverse(name, args=args) + query


def get(client, name, *args, language="de", query=""):
    response = client.get(url(name, *args, language=language, query=query))
    assert response.status_code == 200, response.status_code
    return response, response.content.decode()


def days(offset, hour=10):
    return timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(
        days=offset
    )


def make_process(program, municipality, schedule, titles=None):
    """A local process with one workshop per entry of `schedule`: days from today (published)
    or None (a draft without a date)."""
    process = LocalProcessFactory(program=program, municipality=municipality)
    titles = titles or [f"{kind.label} {municipality.name}" for kind in KINDS]
    for position, (offset, kind, title) in enumerate(zip(schedule, KINDS, titles, strict=True), 1):
        EventFactory(
            process=process,
            position=position,
            kind=kind,
            title=title,
            starts_at=days(offset) if offset is not None else None,
            ends_at=days(offset, 16) if offset is not None else None,
            is_published=offset is not None,
        )
    return process


def make_news(title, municipality=None, published=True, offset=-1, **fields):
    return NewsArticle.objects.create(
        slug=title.lower().replace(" ", "-"),
        title=title,
        summary=f"Kurz: {title}",
        body="Text",
        is_published=published,
        published_at=timezone.now() + timedelta(days=offset),
        municipality=municipality,
        **fields,
    )


@pytest.fixture
def program(bonn, kiel):
    today = timezone.localdate()
    return ProgramFactory(
        name="Migration und Entwicklung auf lokaler Ebene",
        name_en="Migration and development at the local level",
        description="Kommunen und Migrantenorganisationen arbeiten zusammen.",
        description_en="Municipalities and migrant organisations work together.",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=200),
        municipalities=[bonn, kiel],
    )


# How a process's state is read from its workshops


class FakeWorkshop:
    def __init__(self, starts_in=None, published=False, cancelled=False):
        now = timezone.now()
        self.starts_at = now + timedelta(days=starts_in) if starts_in is not None else None
        self.is_published = published
        self.cancelled_at = now if cancelled else None
        self.state = workshop_state(self, now)


@pytest.mark.parametrize(
    ("workshops", "expected"),
    [
        ([], ProcessState.NOT_STARTED),
        ([FakeWorkshop(), FakeWorkshop()], ProcessState.NOT_STARTED),
        ([FakeWorkshop(10, published=True), FakeWorkshop()], ProcessState.INVITING),
        ([FakeWorkshop(-10, published=True), FakeWorkshop()], ProcessState.UNDERWAY),
        ([FakeWorkshop(-10, published=True), FakeWorkshop(-5)], ProcessState.COMPLETED),
        (
            [FakeWorkshop(-10, published=True), FakeWorkshop(5, published=True, cancelled=True)],
            ProcessState.COMPLETED,
        ),
        ([FakeWorkshop(5, published=True, cancelled=True)], ProcessState.NOT_STARTED),
    ],
)
def test_process_state(workshops, expected):
    assert process_state(workshops) == expected


def test_timeline_marks_done_next_and_planned(program, bonn):
    process = make_process(program, bonn, [-30, 10, None, None])
    EventFactory(
        process=process, position=5, starts_at=days(3), ends_at=days(3, 16), cancelled_at=days(0)
    )
    (described,) = describe_processes([process], timezone.now())
    assert described.state == ProcessState.UNDERWAY
    assert [w.step for w in described.steps] == [
        Step.DONE,
        Step.NEXT,
        Step.PLANNED,
        Step.PLANNED,
        Step.CANCELLED,
    ]
    assert described.next_workshop.position == 2


def test_current_program_is_the_newest_running_today(bonn):
    today = timezone.localdate()
    assert current_program() is None
    old = ProgramFactory(starts_on=today - timedelta(days=900), ends_on=today - timedelta(days=500))
    assert current_program() == old
    running = ProgramFactory(
        starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=100)
    )
    ProgramFactory(starts_on=today + timedelta(days=100), ends_on=today + timedelta(days=400))
    assert current_program() == running
    Program.objects.filter(pk=running.pk).update(ends_on=today - timedelta(days=1))
    # None runs today: the newest by start.
    assert current_program().starts_on == today + timedelta(days=100)


# Home


def test_home_with_an_empty_database(client):
    Municipality.objects.all().delete()
    for language in ("de", "en"):
        response, html = get(client, "home", language=language)
        assert response.context["program"] is None
        assert reverse("website:directory").split("/", 2)[2] in html
    _response, html = get(client, "home", language="en")
    assert "The program is being prepared" in html
    assert "No events are planned at the moment." in html
    assert "No news yet." in html


def test_home_shows_the_program_and_its_municipalities(client, program, bonn, kiel):
    make_process(program, kiel, [-90, -30, 20, None])
    PartnershipFactory(municipality=kiel, partner_name="Moshi", since=2013)
    response, html = get(client, "home")
    assert "Migration und Entwicklung auf lokaler Ebene" in html
    assert "Kommunen und Migrantenorganisationen arbeiten zusammen." in html
    states = {row["municipality"].name: row["state"] for row in response.context["rows"]}
    assert states == {"Bonn": ProcessState.NOT_STARTED, "Kiel": ProcessState.UNDERWAY}
    assert url("website:municipality", kiel.pk) in html
    assert "Moshi" in html
    # The next workshop, published, links to its event page.
    next_workshop = kiel.processes.get().workshops.get(position=3)
    assert url("participate:event", next_workshop.pk) in html

    _response, html = get(client, "home", language="en")
    assert "Migration and development at the local level" in html
    assert "Municipalities and migrant organisations work together." in html
    assert "Under way" in html and "Not started" in html


def test_home_lists_the_next_five_published_events(client, program, bonn):
    process = LocalProcessFactory(program=program, municipality=bonn)
    coming = [
        EventFactory(process=process, title=f"Kommend {n}", starts_at=days(n + 1)) for n in range(6)
    ]
    EventFactory(process=process, title="Entwurf", starts_at=days(1), is_published=False)
    EventFactory(process=process, title="Vorbei", starts_at=days(-3))
    EventFactory(process=process, title="Abgesagt", starts_at=days(2), cancelled_at=days(0))
    response, html = get(client, "home")
    assert response.context["events"] == coming[:5]
    for title in ("Entwurf", "Vorbei", "Abgesagt", "Kommend 5"):
        assert title not in html
    assert url("participate:event", coming[0].pk) in html


def test_home_lists_the_latest_three_published_news(client):
    for n in range(4):
        make_news(f"Meldung {n}", offset=-10 + n)
    make_news("Entwurf", published=False)
    make_news("Morgen", offset=1)
    _response, html = get(client, "home")
    for n in (1, 2, 3):
        assert f"Meldung {n}" in html
    for title in ("Meldung 0", "Entwurf", "Morgen"):
        assert title not in html
    assert url("website:news_article", "meldung-3") in html


def test_home_news_and_titles_in_english(client, program, bonn):
    process = LocalProcessFactory(program=program, municipality=bonn)
    EventFactory(process=process, title="Werkstatt", title_en="Workshop in English")
    make_news("Neu", title_en="New in English")
    _response, html = get(client, "home", language="en")
    assert "Workshop in English" in html and "New in English" in html
    _response, html = get(client, "home")
    assert "Werkstatt" in html and "Workshop in English" not in html


def test_home_has_meta_tags(client, program):
    _response, html = get(client, "home", language="en")
    assert "<title>Migration and development at the local level · Brücken</title>" in html
    assert 'property="og:title" content="Migration and development at the local level"' in html
    assert 'type="application/ld+json"' in html


def test_home_queries_do_not_grow_with_the_rows(client, program, kiel, django_assert_num_queries):
    make_process(program, kiel, [-60, 10, None, None])

    def measure():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            get(client, "home")
        return len(queries)

    small = measure()
    # Up to the twelve municipalities the home page shows (bonn and kiel are two).
    for n in range(10):
        municipality = MunicipalityFactory()
        program.municipalities.add(municipality)
        PartnershipFactory(municipality=municipality)
        make_process(program, municipality, [-60, 10, None, None])
        make_news(f"Nachricht {n}")
    assert measure() == small
    with django_assert_num_queries(small):
        get(client, "home", language="en")


def test_home_links_to_the_program_when_it_has_many_municipalities(client, program):
    program.municipalities.add(*MunicipalityFactory.create_batch(12))
    response, html = get(client, "home")
    assert len(response.context["rows"]) == 12
    assert response.context["all_municipalities"] == 14
    assert url("website:program", program.pk) in html


# Program page


def test_program_page(client, program, bonn, kiel):
    make_process(program, kiel, [-300, -200, -100, -10])
    EventFactory(
        program=program,
        process=None,
        kind=WorkshopKind.SEMINAR,
        title="Beratungsseminar Fördermittel",
        title_en="Advisory seminar on funding",
    )
    EventFactory(
        program=program,
        process=None,
        kind=WorkshopKind.EXCHANGE,
        title="Geheim",
        is_published=False,
    )
    response, html = get(client, "website:program", program.pk)
    assert "<h1>Migration und Entwicklung auf lokaler Ebene</h1>" in html
    steps = response.context["steps"]
    assert [step.kind for step in steps] == KINDS
    for step in steps:
        assert step.title in html
    assert steps[0].purpose and steps[0].purpose[:40] in html
    rows = {row["municipality"].name: row["state"] for row in response.context["rows"]}
    assert rows == {"Bonn": ProcessState.NOT_STARTED, "Kiel": ProcessState.COMPLETED}
    assert url("website:municipality", bonn.pk) in html
    assert "Beratungsseminar Fördermittel" in html
    assert "Geheim" not in html
    assert url("participate:program_calendar", program.pk) in html

    _response, html = get(client, "website:program", program.pk, language="en")
    assert "<h1>Migration and development at the local level</h1>" in html
    assert "Advisory seminar on funding" in html
    assert "Completed" in html


def test_program_page_does_not_name_a_draft_workshop(client, program, kiel):
    make_process(program, kiel, [-30, None, None, None], titles=["Start", "Geheimtitel", "B", "C"])
    _response, html = get(client, "website:program", program.pk)
    assert "Geheimtitel" not in html


def test_unknown_program_is_not_found(client):
    assert client.get(url("website:program", 999)).status_code == 404


# Municipality page


@pytest.fixture
def leipzig(program):
    """Leipzig with its partnerships from the reference data, in the program, under way."""
    leipzig = Municipality.objects.get(ags="14713000")
    program.municipalities.add(leipzig)
    make_process(
        program,
        leipzig,
        [-60, 25, None, None],
        titles=["Initiativworkshop Leipzig", "Erweiterter Workshop I", "Entwurfstitel", "Ende"],
    )
    return leipzig


def test_municipality_page_shows_its_process_as_a_timeline(client, leipzig):
    response, html = get(client, "website:municipality", leipzig.pk)
    (participation,) = response.context["participations"]
    assert participation["state"] == ProcessState.UNDERWAY
    process = participation["process"]
    assert [w.step for w in process.steps] == [Step.DONE, Step.NEXT, Step.PLANNED, Step.PLANNED]
    next_workshop = process.next_workshop
    assert next_workshop.title == "Erweiterter Workshop I"
    assert 'aria-current="step"' in html
    assert url("participate:event", next_workshop.pk) in html
    assert "Initiativworkshop Leipzig" in html
    # Drafts appear by their kind only.
    assert "Entwurfstitel" not in html
    assert "<h1>Leipzig</h1>" in html
    assert "Sachsen" in html


def test_municipality_page_shows_partnerships_from_the_reference_data(client, leipzig):
    _response, html = get(client, "website:municipality", leipzig.pk)
    assert "Addis Abeba" in html and "Äthiopien" in html and "2004" in html
    _response, html = get(client, "website:municipality", leipzig.pk, language="en")
    assert "Ethiopia" in html and "City partnership" in html


def test_municipality_page_shows_only_public_goals_and_results(client, leipzig):
    process = leipzig.processes.get()
    initiative = process.workshops.get(position=1)
    rated = Goal.objects.create(
        process=process, title="Runder Tisch", indicator="Vier Treffen", is_public=True
    )
    GoalRating.objects.create(goal=rated, workshop=initiative, rating=Rating.PARTLY)
    Goal.objects.create(
        process=process, title="Öffentlich unbewertet", indicator="x", is_public=True
    )
    Goal.objects.create(process=process, title="Internes Ziel", indicator="y")
    Result.objects.create(
        workshop=initiative,
        kind=ResultKind.AGREEMENT,
        text="Vereinbarung zum Beirat",
        status=ResultStatus.IN_PROGRESS,
        is_public=True,
    )
    Result.objects.create(workshop=initiative, kind=ResultKind.OPEN_QUESTION, text="Interne Frage")
    _response, html = get(client, "website:municipality", leipzig.pk, language="en")
    assert "Runder Tisch" in html and "Partly achieved" in html
    assert "Öffentlich unbewertet" in html
    assert "Vereinbarung zum Beirat" in html and "Agreement" in html and "in progress" in html
    assert "Internes Ziel" not in html
    assert "Interne Frage" not in html


def test_municipality_page_lists_consented_organisations_only(client, leipzig, kiel):
    public = OrganisationFactory(municipality=leipzig, public=True, name="Äthiopischer Verein")
    OrganisationFactory(municipality=leipzig, name="Ohne Einwilligung")
    OrganisationFactory(municipality=kiel, public=True, name="Kieler Verein")
    _response, html = get(client, "website:municipality", leipzig.pk)
    assert url("website:organisation", public.pk) in html
    assert "Äthiopischer Verein" in html
    assert "Ohne Einwilligung" not in html
    assert "Kieler Verein" not in html
    assert url("website:directory", query=f"?municipality={leipzig.pk}") in html


def test_municipality_page_lists_coming_published_events_and_its_news(client, leipzig, program):
    EventFactory(program=program, process=None, kind=WorkshopKind.SEMINAR, title="Seminar")
    EventFactory(
        process=leipzig.processes.get(),
        title="Unveröffentlicht",
        starts_at=days(5),
        is_published=False,
    )
    make_news("Leipzig startet", municipality=leipzig)
    make_news("Anderswo")
    make_news("Leipzig-Entwurf", municipality=leipzig, published=False)
    response, html = get(client, "website:municipality", leipzig.pk)
    assert [e.title for e in response.context["events"]] == ["Erweiterter Workshop I", "Seminar"]
    assert "Unveröffentlicht" not in html
    assert "Leipzig startet" in html
    assert "Anderswo" not in html and "Leipzig-Entwurf" not in html
    assert url("participate:municipality_calendar", leipzig.pk) in html


def test_municipality_page_without_a_process(client, program, bonn):
    response, html = get(client, "website:municipality", bonn.pk, language="en")
    (participation,) = response.context["participations"]
    assert participation["process"] is None
    assert participation["state"] == ProcessState.NOT_STARTED
    assert "The local process has not started yet." in html


def test_municipality_outside_every_program_is_not_found(client, program):
    elsewhere = MunicipalityFactory()
    assert client.get(url("website:municipality", elsewhere.pk)).status_code == 404
    assert client.get(url("website:municipality", 99999)).status_code == 404


def test_municipality_page_queries_do_not_grow(client, leipzig, django_assert_num_queries):
    def measure(language="de"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            get(client, "website:municipality", leipzig.pk, language=language)
        return len(queries)

    small = measure()
    process = leipzig.processes.get()
    initiative = process.workshops.get(position=1)
    for n in range(8):
        goal = Goal.objects.create(
            process=process, title=f"Ziel {n}", indicator="i", is_public=True
        )
        GoalRating.objects.create(goal=goal, workshop=initiative, rating=Rating.ACHIEVED)
        Result.objects.create(
            workshop=initiative, kind=ResultKind.LESSON, text=f"Ergebnis {n}", is_public=True
        )
        OrganisationFactory(municipality=leipzig, public=True)
        EventFactory(process=process, starts_at=days(n + 2))
        make_news(f"Leipzig {n}", municipality=leipzig)
        PartnershipFactory(municipality=leipzig)
    assert measure() == small
    with django_assert_num_queries(small):
        get(client, "website:municipality", leipzig.pk, language="en")


def test_pages_have_meaningful_titles(client, leipzig, program):
    _response, html = get(client, "website:municipality", leipzig.pk)
    assert "<title>Leipzig · Brücken</title>" in html
    assert 'property="og:title" content="Leipzig"' in html
    _response, html = get(client, "website:program", program.pk, language="en")
    assert "<title>Migration and development at the local level · Brücken</title>" in html


# The page cache


def test_pages_are_cached_and_a_change_shows_at_once(
    client, settings, leipzig, django_capture_on_commit_callbacks
):
    settings.WEBSITE_CACHE_SECONDS = 600
    _response, html = get(client, "website:municipality", leipzig.pk)
    assert "Neuer Verein" not in html
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(municipality=leipzig, public=True, name="Neuer Verein")
    _response, html = get(client, "website:municipality", leipzig.pk)
    assert "Neuer Verein" in html


def test_pages_are_served_from_the_cache(client, settings, leipzig, django_assert_num_queries):
    settings.WEBSITE_CACHE_SECONDS = 600
    for name, args in (("home", []), ("website:municipality", [leipzig.pk])):
        get(client, name, *args)
        # One query: the content version that keys the cache.
        with django_assert_num_queries(1):
            get(client, name, *args)


# The program form takes the English name and description


def test_program_form_saves_the_english_name_and_description(client, office, program):
    client.force_login(office)
    data = {
        "name": program.name,
        "name_en": "Local migration and development",
        "description": program.description,
        "description_en": "In English.",
        "office": program.office,
        "starts_on": program.starts_on.isoformat(),
        "ends_on": program.ends_on.isoformat(),
        "municipalities": [m.pk for m in program.municipalities.all()],
        "template": program.template_id,
    }
    response = client.post(url("programs:program_edit", program.pk), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name_en == "Local migration and development"
    assert program.description_en == "In English."
    client.logout()
    _response, html = get(client, "website:program", program.pk, language="en")
    assert "Local migration and development" in html


# The demo has what the "done when" looks for


def test_demo_shows_leipzigs_process_partnership_and_next_workshop(client, reference_data):
    from bruecken.demo.program import create_demo_program
    from bruecken.demo.registry import create_demo_data

    create_demo_data()
    create_demo_program()
    leipzig = Municipality.objects.get(ags="14713000")
    response, html = get(client, "home")
    assert url("website:municipality", leipzig.pk) in html
    response, html = get(client, "website:municipality", leipzig.pk)
    (participation,) = response.context["participations"]
    assert participation["state"] == ProcessState.UNDERWAY
    next_workshop = participation["process"].next_workshop
    assert next_workshop.is_published and next_workshop.starts_at > timezone.now()
    assert url("participate:event", next_workshop.pk) in html
    assert "Addis Abeba" in html
    assert response.context["goals"] and response.context["results"]
    assert Goal.objects.filter(process__municipality=leipzig, is_public=False).exists()
    response, _html = get(
        client, "website:directory", query="?kind=migrant_organisation&country=ET"
    )
    assert response.context["page"].paginator.count >= 1


def test_typed_addresses_lead_to_the_current_program(client):
    from bruecken.programs.tests.factories import ProgramFactory

    assert client.get("/de/program/").status_code == 404
    program = ProgramFactory()
    response = client.get("/en/municipalities/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/program/{program.pk}/#municipalities"
    assert client.get("/de/program/")["Location"] == f"/de/program/{program.pk}/"
