"""The staff pages of programs, process templates and starting a local process. Views check the
rule and call the service. The program and process dashboards, mostly about workshops, are
served by events (`bruecken.events.dashboard_views`) under the programs' URL names."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.permissions import require
from bruecken.places.models import Municipality
from bruecken.web import apply_form_error, form_page, staff_area

from . import services
from .forms import (
    AddMunicipalityForm,
    ProcessTemplateForm,
    ProgramForm,
    StepFormSet,
)
from .models import ProcessTemplate, Program
from .rules import may_see_programs


def _dashboard(program):
    return reverse("programs:program_detail", args=[program.pk])


@staff_area
def program_list(request):
    if not may_see_programs(request.user):
        raise PermissionDenied
    programs = (
        Program.objects.visible_to(request.user)
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


@staff_area
def program_create(request):
    require(request.user, "programs.manage_program")
    form = ProgramForm(request.POST or None)
    return form_page(
        request,
        form,
        "programs/program_form.html",
        {},
        lambda data: services.create_program(request.user, data),
        success_url=_dashboard,
    )


@staff_area
def program_edit(request, pk):
    program = get_object_or_404(Program, pk=pk)
    require(request.user, "programs.manage_program", program)
    form = ProgramForm(request.POST or None, instance=program)
    return form_page(
        request,
        form,
        "programs/program_form.html",
        {"program": program},
        lambda data: services.update_program(request.user, program, data),
        success_url=_dashboard,
    )


@staff_area
@require_POST
def process_start(request, pk, municipality_pk):
    program = get_object_or_404(Program, pk=pk)
    municipality = get_object_or_404(Municipality, pk=municipality_pk)
    require(request.user, "programs.start_process", municipality)
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
def template_list(request):
    require(request.user, "programs.manage_program")
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
            apply_form_error(form, error)
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
    require(request.user, "programs.manage_program")
    return _template_page(request, None)


@staff_area
def template_edit(request, pk):
    require(request.user, "programs.manage_program")
    return _template_page(request, get_object_or_404(ProcessTemplate, pk=pk))


# A program's municipalities (their partnerships abroad: bruecken.partnerships)


@staff_area
def municipality_add(request, pk):
    program = get_object_or_404(Program, pk=pk)
    require(request.user, "programs.manage_program", program)
    form = AddMunicipalityForm(request.POST or None, program=program)

    def added(result):
        _municipality, process = result
        if process is not None:
            return reverse("programs:process_detail", args=[process.pk])
        return _dashboard(program)

    return form_page(
        request,
        form,
        "programs/municipality_add.html",
        {"program": program},
        lambda data: services.add_municipality(request.user, program, data),
        success=_("The municipality takes part in the program now."),
        success_url=added,
    )
