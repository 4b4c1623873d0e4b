"""The staff pages of what a workshop produced: its goals and results, the ratings of the goals
at the evaluation, and the minutes. Views check the rule, validate, and call the service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.actors.models import Organisation
from bruecken.permissions import require
from bruecken.programs import services as program_services
from bruecken.programs.models import Goal, Result, WorkshopKind
from bruecken.web import staff_area

from . import services
from .forms import GoalForm, MinutesForm, RatingForm, ResultForm
from .view_helpers import event_url, get_event, part_form


def _organisations(request, event, selected=()):
    """Organisations to name as responsible: those of the event's municipality (for a
    program-level event, of the participating municipalities) that the user may see."""
    if event.process_id:
        scope = Q(municipality_id=event.process.municipality_id)
    else:
        scope = Q(municipality__in=event.program.municipalities.all())
    if selected:
        scope |= Q(pk__in=selected)
    return (
        Organisation.objects.visible_to(request.user)
        .filter(scope)
        .select_related("municipality")
        .order_by("name_key")
    )


@staff_area
def goal_add(request, pk):
    event = get_event(request, pk)
    if event.kind != WorkshopKind.INITIATIVE or not event.process_id:
        raise Http404(_("Goals are set at the initiative workshop."))
    form = GoalForm(request.POST or None, organisations=_organisations(request, event))
    return part_form(
        request,
        event,
        form,
        "events/goal_form.html",
        lambda data: program_services.add_goal(request.user, event, data),
        "goals-heading",
    )


@staff_area
def goal_edit(request, pk):
    goal = get_object_or_404(
        Goal.objects.select_related(
            "workshop__program", "workshop__process__municipality", "process"
        ),
        pk=pk,
    )
    if goal.workshop is None:
        raise Http404(_("The workshop that set this goal no longer exists."))
    event = goal.workshop
    require(request.user, "events.facilitate_event", event)
    selected = [goal.responsible_id] if goal.responsible_id else []
    form = GoalForm(
        request.POST or None, instance=goal, organisations=_organisations(request, event, selected)
    )
    return part_form(
        request,
        event,
        form,
        "events/goal_form.html",
        # The form has written its data into `goal`; the service compares with the stored row.
        lambda data: program_services.update_goal(request.user, Goal.objects.get(pk=goal.pk), data),
        "goals-heading",
        {"goal": goal},
    )


def _result_form(request, event, instance=None):
    goals = Goal.objects.filter(process_id=event.process_id) if event.process_id else None
    selected = list(instance.organisations.values_list("pk", flat=True)) if instance else []
    return ResultForm(
        request.POST or None,
        instance=instance,
        goals=goals,
        organisations=_organisations(request, event, selected),
    )


@staff_area
def result_add(request, pk):
    event = get_event(request, pk)
    return part_form(
        request,
        event,
        _result_form(request, event),
        "events/result_form.html",
        lambda data: program_services.add_result(request.user, event, data),
        "results-heading",
    )


@staff_area
def result_edit(request, pk):
    result = get_object_or_404(
        Result.objects.select_related("workshop__program", "workshop__process__municipality"),
        pk=pk,
    )
    event = result.workshop
    require(request.user, "events.facilitate_event", event)
    history_rows = result.status_changes.select_related("changed_by")
    return part_form(
        request,
        event,
        _result_form(request, event, result),
        "events/result_form.html",
        # The form has written its data into `result`; the service compares with the stored row.
        lambda data: program_services.update_result(
            request.user, Result.objects.get(pk=result.pk), data, note=data.get("note", "")
        ),
        "results-heading",
        {"result": result, "status_history": history_rows},
    )


@staff_area
def ratings(request, pk):
    event = get_event(request, pk)
    if event.kind != WorkshopKind.EVALUATION or not event.process_id:
        raise Http404(_("Goals are rated at the evaluation workshop of their process."))
    if not request.user.has_perm("events.rate_goals", event):
        # An undated draft (or a cancelled workshop) has nothing to judge: no form, and a post
        # saves nothing.
        return render(request, "events/ratings.html", {"event": event, "not_yet": True})
    goals = list(
        Goal.objects.filter(process_id=event.process_id)
        .select_related("rating", "responsible")
        .order_by("id")
    )
    rows = []
    for goal in goals:
        rating = getattr(goal, "rating", None)
        initial = {"rating": rating.rating, "comment": rating.comment} if rating else {}
        form = RatingForm(request.POST or None, prefix=f"goal-{goal.pk}", initial=initial)
        rows.append((goal, form))
    if request.method == "POST" and all(form.is_valid() for _goal, form in rows):
        changed = []
        for goal, form in rows:
            data = form.cleaned_data
            if not data["rating"]:
                if data["comment"]:
                    form.add_error("rating", _("Choose a rating to keep a comment."))
                continue
            rating = getattr(goal, "rating", None)
            if rating and (rating.rating, rating.comment) == (data["rating"], data["comment"]):
                continue
            changed.append((goal, data))
        if not any(form.errors for _goal, form in rows):
            try:
                for goal, data in changed:
                    program_services.rate_goal(
                        request.user, event, goal, data["rating"], data["comment"]
                    )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    ngettext("%(count)s rating saved.", "%(count)s ratings saved.", len(changed))
                    % {"count": len(changed)},
                )
                return redirect(event_url(event, "ratings-heading"))
    return render(
        request,
        "events/ratings.html",
        {"event": event, "rows": rows, "has_errors": any(form.errors for _g, form in rows)},
    )


@staff_area
def minutes(request, pk):
    event = get_event(request, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": event.minutes})
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = form.cleaned_data["minutes"]
        else:
            services.update_minutes(request.user, event, form.cleaned_data["minutes"])
            messages.success(request, _("Minutes saved."))
            return redirect(event_url(event, "minutes-heading"))
    return render(
        request, "events/minutes_form.html", {"event": event, "form": form, "preview": preview}
    )
