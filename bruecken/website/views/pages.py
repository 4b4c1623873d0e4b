"""Home, program and municipality pages: what the program is and where each municipality stands.

Only what is public is shown: published events, goals and results marked public, organisations
that consented. A workshop that is not published appears in a timeline as its kind alone, without
title or date. Every list is built from a fixed number of queries, however many rows it has."""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bruecken import structured_data
from bruecken.actors.models import Organisation
from bruecken.cache import cached_page
from bruecken.events.calendars import municipality_events, published_events
from bruecken.events.models import Event
from bruecken.events.overview import ROW_WORKSHOP_FIELDS, State, workshop_state
from bruecken.places.models import Municipality, Partnership
from bruecken.programs.models import Goal, LocalProcess, Program, Result

from ..models import NewsArticle

HOME_MUNICIPALITIES = 12
HOME_EVENTS = 5
HOME_NEWS = 3
PROGRAM_MUNICIPALITIES_PER_PAGE = 50
MUNICIPALITY_ORGANISATIONS = 12
MUNICIPALITY_EVENTS = 5
MUNICIPALITY_NEWS = 5
# The timeline shows the title (and English title) of published workshops.
TIMELINE_FIELDS = [*ROW_WORKSHOP_FIELDS, "title_en"]


class ProcessState(models.TextChoices):
    """Where a municipality's local process stands, from the states of its workshops."""

    NOT_STARTED = "not_started", _("not started")
    INVITING = "inviting", _("inviting")
    UNDERWAY = "underway", _("under way")
    COMPLETED = "completed", _("completed")


class Step(models.TextChoices):
    """A workshop's place in its process's timeline."""

    DONE = "done", _("done")
    NEXT = "next", _("next")
    PLANNED = "planned", _("planned")
    CANCELLED = "cancelled", _("cancelled")


def process_state(workshops):
    """As the program dashboard reads a process: held workshops are behind it, drafts and
    published ones ahead; published ones ahead but none held yet means it is inviting."""
    held = [w for w in workshops if w.state == State.HELD]
    coming = [w for w in workshops if w.state in (State.DRAFT, State.PUBLISHED)]
    if held:
        return ProcessState.UNDERWAY if coming else ProcessState.COMPLETED
    if any(w.state == State.PUBLISHED for w in coming):
        return ProcessState.INVITING
    return ProcessState.NOT_STARTED


def describe_processes(processes, now):
    """Give each process its workshops in order (`steps`), `state`, `state_label` and its
    `next_workshop`, from one query over the workshops of all of them."""
    steps = {}
    for event in (
        Event.objects.filter(process__in=[p.pk for p in processes])
        .only(*TIMELINE_FIELDS)
        .order_by("position", "starts_at", "id")
    ):
        event.state = workshop_state(event, now)
        steps.setdefault(event.process_id, []).append(event)
    for process in processes:
        process.steps = steps.get(process.pk, [])
        process.state = process_state(process.steps)
        process.state_label = process.state.label
        process.next_workshop = None
        for event in process.steps:
            if event.state == State.CANCELLED:
                event.step = Step.CANCELLED
            elif event.state == State.HELD:
                event.step = Step.DONE
            elif process.next_workshop is None:
                event.step = Step.NEXT
                process.next_workshop = event
            else:
                event.step = Step.PLANNED
            event.step_label = event.step.label
    return processes


def municipality_rows(program, municipalities, now):
    """One row per municipality: its local process in the program (or None) and its state."""
    processes = {
        process.municipality_id: process
        for process in describe_processes(
            list(LocalProcess.objects.filter(program=program, municipality__in=municipalities)),
            now,
        )
    }
    return [
        {"municipality": municipality, **_standing(processes.get(municipality.pk))}
        for municipality in municipalities
    ]


def _standing(process):
    """A described process (or None: not started), its state and the state's label."""
    state = process.state if process else ProcessState.NOT_STARTED
    return {"process": process, "state": state, "state_label": state.label}


def current_program(today=None):
    """The newest program running today, else the newest of all (or None)."""
    today = today or timezone.localdate()
    programs = Program.objects.order_by("-starts_on", "-pk")
    return programs.filter(starts_on__lte=today, ends_on__gte=today).first() or programs.first()


def coming_events(queryset, now, limit):
    return list(
        queryset.filter(starts_at__gte=now, cancelled_at__isnull=True).order_by("starts_at", "id")[
            :limit
        ]
    )


def _with_partnerships(municipalities):
    return municipalities.prefetch_related(
        Prefetch("partnerships", queryset=Partnership.objects.select_related("country"))
    )


@cached_page
def home(request):
    now = timezone.now()
    program = current_program()
    rows, more = [], 0
    if program is not None:
        participating = program.municipalities.order_by("name")
        municipalities = list(_with_partnerships(participating)[: HOME_MUNICIPALITIES + 1])
        if len(municipalities) > HOME_MUNICIPALITIES:
            municipalities = municipalities[:HOME_MUNICIPALITIES]
            more = participating.count()
        rows = municipality_rows(program, municipalities, now)
    context = {
        "program": program,
        "rows": rows,
        "all_municipalities": more,
        "events": coming_events(published_events(), now, HOME_EVENTS),
        "news": list(NewsArticle.objects.published(now)[:HOME_NEWS]),
        "structured_data": structured_data.site_organization(program),
    }
    return render(request, "website/home.html", context)


def current_program_page(request, section=""):
    """/program/ and /municipalities/ lead to the current program's page (and its list of
    municipalities): addresses a visitor may well type."""
    program = current_program()
    if program is None:
        raise Http404
    return redirect(reverse("website:program", args=[program.pk]) + section)


@cached_page
def program(request, pk):
    now = timezone.now()
    program = get_object_or_404(Program.objects.select_related("template"), pk=pk)
    page = Paginator(
        _with_partnerships(program.municipalities.order_by("name", "pk")),
        PROGRAM_MUNICIPALITIES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    events = list(
        published_events().filter(program=program, process__isnull=True).order_by("starts_at", "id")
    )
    for event in events:
        event.state = workshop_state(event, now)
    context = {
        "program": program,
        "steps": list(program.template.steps.order_by("position")),
        "page": page,
        "rows": municipality_rows(program, list(page.object_list), now),
        "program_events": events,
    }
    return render(request, "website/program.html", context)


@cached_page
def municipality(request, pk):
    now = timezone.now()
    municipality = get_object_or_404(Municipality, pk=pk)
    programs = list(municipality.programs.order_by("-starts_on", "-pk"))
    if not programs:
        # Only participating municipalities have a public page.
        raise Http404
    processes = {
        process.program_id: process
        for process in describe_processes(
            list(LocalProcess.objects.filter(municipality=municipality)), now
        )
    }
    participations = [{"program": each, **_standing(processes.get(each.pk))} for each in programs]
    organisations = Organisation.objects.public().filter(municipality=municipality)
    context = {
        "municipality": municipality,
        "participations": participations,
        "partnerships": list(municipality.partnerships.select_related("country")),
        "goals": list(
            Goal.objects.public()
            .filter(process__municipality=municipality)
            .select_related("rating")
            .order_by("process__program__starts_on", "id")
        ),
        "results": list(
            Result.objects.public()
            .filter(workshop__process__municipality=municipality)
            .order_by("workshop__position", "id")
        ),
        "organisations": list(
            organisations.only("pk", "name", "kind")[:MUNICIPALITY_ORGANISATIONS]
        ),
        "organisation_count": organisations.count(),
        "events": coming_events(municipality_events(municipality), now, MUNICIPALITY_EVENTS),
        "news": list(
            NewsArticle.objects.published(now).filter(municipality=municipality)[:MUNICIPALITY_NEWS]
        ),
    }
    return render(request, "website/municipality.html", context)
