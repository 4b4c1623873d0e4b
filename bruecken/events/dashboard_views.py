"""The program and process dashboards: where each local process stands, workshop by workshop.

They are mostly about workshops, so they live here rather than in programs (which events
builds on); `dashboard_urls` gives them the programs' addresses and URL names."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bruecken import figures
from bruecken.accounts import roles
from bruecken.permissions import require
from bruecken.programs.models import Goal, LocalProcess, Program, Result, ResultStatus
from bruecken.programs.rules import sees_municipality
from bruecken.web import staff_area

from .models import Event, Registration
from .overview import (
    ROW_WORKSHOP_FIELDS,
    State,
    attach_place_counts,
    describe,
    mark_shown_organisations,
    place_counts,
    with_place_counts,
)

OPEN_RESULTS = (ResultStatus.PLANNED, ResultStatus.IN_PROGRESS)
COMING_EVENTS = 20
# A page of the dashboard stays readable, and fast with a thousand municipalities.
MUNICIPALITIES_PER_PAGE = 50


def _visible_program(request, pk):
    program = get_object_or_404(Program.objects.select_related("template"), pk=pk)
    if not Program.objects.visible_to(request.user).filter(pk=program.pk).exists():
        raise PermissionDenied
    return program


def _municipality_rows(request, program, now):
    """A page of rows, one per participating municipality the user may see, built from a fixed
    number of grouped queries over that page's processes only."""
    user = request.user
    visible = [m for m in program.municipalities.order_by("name") if sees_municipality(user, m.pk)]
    page = Paginator(visible, MUNICIPALITIES_PER_PAGE).get_page(request.GET.get("page"))
    municipalities = list(page.object_list)
    processes = {
        p.municipality_id: p
        for p in LocalProcess.objects.filter(program=program, municipality__in=municipalities)
    }
    process_ids = [process.pk for process in processes.values()]
    # The place counts come from their own grouped query: annotating many workshops would join
    # and sort every registration together with the workshop's row.
    counts = place_counts(Registration.objects.filter(event__process__in=process_ids))
    workshops = {}
    for event in (
        Event.objects.filter(process__in=process_ids)
        .only(*ROW_WORKSHOP_FIELDS)
        .order_by("position", "starts_at", "id")
    ):
        attach_place_counts(event, counts)
        workshops.setdefault(event.process_id, []).append(describe(event, now))
    # Who took part in a workshop held so far (`Registration.objects.participants`).
    participants = dict(
        Registration.objects.filter(
            event__process__in=process_ids, event__starts_at__lte=now, event__cancelled_at=None
        )
        .participants()
        .values_list("event__process")
        .annotate(count=Count("person", distinct=True))
    )
    goals = {
        row["process"]: row
        for row in Goal.objects.filter(process__in=process_ids)
        .values("process")
        .annotate(total=Count("id"), rated=Count("rating"))
    }
    results = {
        row["workshop__process"]: row
        for row in Result.objects.filter(workshop__process__in=process_ids)
        .values("workshop__process")
        .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_RESULTS)))
    }
    # What the apps above contribute per municipality (bruecken/figures.py): one call for the
    # page, each provider in a fixed number of queries.
    contributed = figures.for_municipalities([m.pk for m in municipalities], now)
    rows = []
    for municipality in municipalities:
        process = processes.get(municipality.pk)
        row = {
            "municipality": municipality,
            "process": process,
            "can_start": process is None and user.has_perm("programs.start_process", municipality),
            "figures": contributed.get(municipality.pk, []),
        }
        if process is not None:
            steps = workshops.get(process.pk, [])
            held = [w for w in steps if w.state == State.HELD]
            coming = [w for w in steps if w.state in (State.DRAFT, State.PUBLISHED)]
            row.update(
                {
                    "workshops": steps,
                    "reached": held[-1] if held else None,
                    "next": coming[0] if coming else None,
                    "participants": participants.get(process.pk, 0),
                    "registered": sum(w.confirmed_count for w in coming),
                    "goals": goals.get(process.pk, {}).get("total", 0),
                    "rated": goals.get(process.pk, {}).get("rated", 0),
                    "results": results.get(process.pk, {}).get("total", 0),
                    "open_results": results.get(process.pk, {}).get("open", 0),
                    "warnings": sum(1 for w in steps if w.warning),
                }
            )
        rows.append(row)
    return page, rows


def _coming_events(request, program, now):
    events = Event.objects.filter(
        program=program, starts_at__gte=now, cancelled_at__isnull=True
    ).select_related("process__municipality")
    if not roles.is_program_office(request.user):
        ids = roles.working_municipality_ids(request.user)
        events = events.filter(
            Q(process__municipality_id__in=ids) | Q(process__isnull=True, is_published=True)
        )
    events = list(events.order_by("starts_at", "id")[:COMING_EVENTS])
    for event in events:
        event.can_open = request.user.has_perm("events.facilitate_event", event)
    return events


@staff_area
def program_detail(request, pk):
    program = _visible_program(request, pk)
    now = timezone.now()
    office = roles.is_program_office(request.user)
    program_events = Event.objects.filter(program=program, process__isnull=True)
    if not office:
        program_events = program_events.filter(is_published=True)
    program_events = [
        describe(event, now)
        for event in with_place_counts(program_events).order_by("starts_at", "id")
    ]
    page, rows = _municipality_rows(request, program, now)
    # Every workshop below its minimum on this page, named where it is, not only counted.
    attention = [
        (row["municipality"], row["process"], workshop)
        for row in rows
        for workshop in row.get("workshops", [])
        if workshop.warning
    ] + [(None, None, event) for event in program_events if event.warning]
    return render(
        request,
        "events/program_dashboard.html",
        {
            "program": program,
            "page": page,
            "rows": rows,
            "attention": attention,
            "coming_events": _coming_events(request, program, now),
            "program_events": program_events,
            "can_manage": request.user.has_perm("programs.manage_program", program),
            # A column for the contributed figures, where any app contributes them.
            "has_figures": bool(figures.PROVIDERS),
        },
    )


@staff_area
def process_detail(request, pk):
    process = get_object_or_404(
        LocalProcess.objects.select_related("program", "municipality", "template"), pk=pk
    )
    require(request.user, "programs.view_process", process)
    now = timezone.now()
    workshops = [
        describe(event, now)
        for event in with_place_counts(
            Event.objects.filter(process=process).select_related("process")
        ).order_by("position", "starts_at", "id")
    ]
    goals = list(
        Goal.objects.filter(process=process)
        .select_related("rating", "responsible", "workshop")
        .order_by("id")
    )
    open_results = list(
        Result.objects.filter(workshop__process=process, status__in=OPEN_RESULTS)
        .select_related("workshop")
        .prefetch_related("organisations", "goals")
        .order_by("workshop__position", "id")
    )
    mark_shown_organisations(request.user, goals, open_results)
    initiative = next((w for w in workshops if w.kind == "initiative"), None)
    for workshop in workshops:
        workshop.can_open = request.user.has_perm("events.facilitate_event", workshop)
    return render(
        request,
        "events/process_dashboard.html",
        {
            "process": process,
            "program": process.program,
            "workshops": workshops,
            "warnings": [w for w in workshops if w.warning],
            "goals": goals,
            "open_results": open_results,
            "initiative": initiative,
            "can_facilitate_initiative": initiative is not None
            and request.user.has_perm("events.facilitate_event", initiative),
        },
    )
