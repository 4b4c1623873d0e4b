"""The staff pages of programs and local processes. Views check the rule and call the service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.accounts import roles
from bruecken.actors.views import _apply_form_error, staff_area
from bruecken.events.models import Event, Registration
from bruecken.events.overview import (
    State,
    attach_place_counts,
    describe,
    place_counts,
    with_place_counts,
)
from bruecken.places.models import Municipality

from . import services
from .forms import ProcessTemplateForm, ProgramForm, StepFormSet
from .models import Goal, LocalProcess, ProcessTemplate, Program, Result, ResultStatus
from .scopes import may_see_programs, program_filter, sees_municipality, visible_programs

OPEN_RESULTS = (ResultStatus.PLANNED, ResultStatus.IN_PROGRESS)
COMING_EVENTS = 20
# What the municipality table shows of a workshop, and what `describe` needs.
ROW_WORKSHOP_FIELDS = [
    "id",
    "program_id",
    "process_id",
    "position",
    "kind",
    "title",
    "starts_at",
    "cancelled_at",
    "is_published",
    "capacity",
    "capacity_min",
]


# A page of the dashboard stays readable, and fast with a thousand municipalities.
MUNICIPALITIES_PER_PAGE = 50


def _require(request, permission, obj=None):
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _visible_program(request, pk):
    program = get_object_or_404(Program.objects.select_related("template"), pk=pk)
    if not Program.objects.filter(program_filter(request.user), pk=program.pk).exists():
        raise PermissionDenied
    return program


@staff_area
def program_list(request):
    if not may_see_programs(request.user):
        raise PermissionDenied
    programs = (
        visible_programs(request.user)
        .annotate(
            municipality_count=Count("municipalities", distinct=True),
            process_count=Count("processes", distinct=True),
        )
        .order_by("-starts_on", "name")
    )
    return render(
        request,
        "programs/program_list.html",
        {
            "programs": programs,
            "can_manage": request.user.has_perm("programs.manage_program"),
        },
    )


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
    participants = dict(
        Registration.objects.filter(event__process__in=process_ids, attended=True)
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
    rows = []
    for municipality in municipalities:
        process = processes.get(municipality.pk)
        row = {
            "municipality": municipality,
            "process": process,
            "can_start": process is None and user.has_perm("programs.start_process", municipality),
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
        ids = roles.coordinated_municipality_ids(request.user) | roles.facilitated_municipality_ids(
            request.user
        )
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
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "page": page,
            "rows": rows,
            "coming_events": _coming_events(request, program, now),
            "program_events": program_events,
            "can_manage": request.user.has_perm("programs.manage_program", program),
        },
    )


def _edit(request, form, template, context, save):
    if request.method == "POST" and form.is_valid():
        try:
            program = save(form.cleaned_data)
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("programs:program_detail", program.pk)
    return render(request, template, {**context, "form": form})


@staff_area
def program_create(request):
    _require(request, "programs.manage_program")
    form = ProgramForm(request.POST or None)
    return _edit(
        request,
        form,
        "programs/program_form.html",
        {},
        lambda data: services.create_program(request.user, data),
    )


@staff_area
def program_edit(request, pk):
    program = get_object_or_404(Program, pk=pk)
    _require(request, "programs.manage_program", program)
    form = ProgramForm(request.POST or None, instance=program)
    return _edit(
        request,
        form,
        "programs/program_form.html",
        {"program": program},
        lambda data: services.update_program(request.user, program, data),
    )


@staff_area
@require_POST
def process_start(request, pk, municipality_pk):
    program = get_object_or_404(Program, pk=pk)
    municipality = get_object_or_404(Municipality, pk=municipality_pk)
    _require(request, "programs.start_process", municipality)
    try:
        process = services.start_local_process(request.user, program, municipality)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("programs:program_detail", program.pk)
    messages.success(
        request,
        _("The local process of %(municipality)s has started; its workshops are drafts now.")
        % {"municipality": municipality},
    )
    return redirect("programs:process_detail", process.pk)


@staff_area
def process_detail(request, pk):
    process = get_object_or_404(
        LocalProcess.objects.select_related("program", "municipality", "template"), pk=pk
    )
    _require(request, "programs.view_process", process)
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
    initiative = next((w for w in workshops if w.kind == "initiative"), None)
    for workshop in workshops:
        workshop.can_open = request.user.has_perm("events.facilitate_event", workshop)
    return render(
        request,
        "programs/process_detail.html",
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


@staff_area
def template_list(request):
    _require(request, "programs.manage_program")
    templates = (
        ProcessTemplate.objects.prefetch_related("steps")
        .annotate(program_count=Count("programs", distinct=True))
        .order_by("name")
    )
    return render(request, "programs/template_list.html", {"templates": templates})


def _template_page(request, template):
    instance = template or ProcessTemplate()
    form = ProcessTemplateForm(request.POST or None, instance=instance, prefix="template")
    steps = StepFormSet(request.POST or None, instance=instance, prefix="steps")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        values = {name: form.cleaned_data[name] for name in ("name", "description")}
        try:
            if template is None:
                saved = services.create_process_template(request.user, values, steps.steps())
            else:
                saved = services.update_process_template(
                    request.user, template, values, steps.steps()
                )
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("programs:template_edit", saved.pk)
    return render(
        request,
        "programs/template_form.html",
        {"template": template, "form": form, "steps": steps},
    )


@staff_area
def template_create(request):
    _require(request, "programs.manage_program")
    return _template_page(request, None)


@staff_area
def template_edit(request, pk):
    _require(request, "programs.manage_program")
    return _template_page(request, get_object_or_404(ProcessTemplate, pk=pk))
