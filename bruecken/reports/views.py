"""The report pages: the process documentation (staff: the page, its PDF builds with their
progress, the stored files) and the actor brochure (public: the page and its PDF). Views check
the rule and call the service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.cache import cached_page
from bruecken.permissions import require
from bruecken.places.models import Municipality
from bruecken.programs.models import LocalProcess
from bruecken.web import staff_area

from . import content, services
from .models import ProcessDocumentBuild

# How many earlier builds the page lists.
BUILD_HISTORY = 10
# htmx asks for the progress this often while a build is queued or running.
POLL_SECONDS = 2
# An htmx response with this status stops the polling.
STOP_POLLING = 286


def _process(request, pk, permission="reports.view_process_document"):
    process = get_object_or_404(
        LocalProcess.objects.select_related("program", "municipality", "template"), pk=pk
    )
    require(request.user, permission, process)
    return process


def _builds(process):
    """The status panel: the build in progress, the newest finished file (in whichever
    language), the newest failure since, and the latest builds."""
    builds = list(
        ProcessDocumentBuild.objects.filter(process=process).select_related("requested_by")[
            :BUILD_HISTORY
        ]
    )
    current = next((b for b in builds if b.in_progress), None)
    latest_done = next((b for b in builds if b.status == ProcessDocumentBuild.Status.DONE), None)
    if latest_done is None:
        latest_done = (
            ProcessDocumentBuild.objects.filter(
                process=process, status=ProcessDocumentBuild.Status.DONE
            )
            .select_related("requested_by")
            .first()
        )
    failed = next(
        (
            b
            for b in builds
            if b.status == ProcessDocumentBuild.Status.FAILED
            and (latest_done is None or b.requested_at > latest_done.requested_at)
        ),
        None,
    )
    for build in builds:
        build.step_label = services.STEPS.get(build.step, "")
        build.error_text = services.error_text(build)
    if current is not None:
        # No worker took it, or it stopped: a new request replaces it (`services._expire_stale`).
        current.stale = timezone.now() - current.requested_at > services.STALE_AFTER
    return {
        "builds": builds,
        "current": current,
        "latest_done": latest_done,
        "failed": failed,
        "poll_seconds": POLL_SECONDS,
    }


@staff_area
def process_document(request, pk):
    process = _process(request, pk)
    context = {
        **content.process_document(process),
        **_builds(process),
        "site_url": "",
        "can_build": request.user.has_perm("reports.build_process_document", process),
    }
    return render(request, "reports/process_document.html", context)


@staff_area
@require_POST
def process_document_build(request, pk):
    process = _process(request, pk, "reports.build_process_document")
    try:
        services.request_process_document_build(request.user, process)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The PDF is being made. This page shows how far it got."))
    return redirect(reverse("reports:process_document", args=[process.pk]) + "#build-heading")


@staff_area
def process_document_status(request, pk):
    """The status panel alone, for htmx polling; without htmx, the page itself."""
    process = _process(request, pk)
    if not request.htmx:
        return redirect(reverse("reports:process_document", args=[process.pk]) + "#build-heading")
    context = {
        "process": process,
        **_builds(process),
        "can_build": request.user.has_perm("reports.build_process_document", process),
    }
    response = render(request, "reports/includes/build_status.html", context)
    if context["current"] is None:
        response.status_code = STOP_POLLING
    return response


@staff_area
def build_download(request, pk):
    build = get_object_or_404(
        ProcessDocumentBuild.objects.select_related("process__municipality"), pk=pk
    )
    require(request.user, "reports.view_process_document", build.process)
    if build.status != ProcessDocumentBuild.Status.DONE or not build.file:
        raise Http404
    try:
        handle = build.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=build.filename)


# The actor brochure (public)


def _municipality(pk):
    municipality = get_object_or_404(Municipality, pk=pk)
    if not content.participates(municipality):
        # Only participating municipalities have public pages.
        raise Http404
    return municipality


@cached_page
def brochure(request, pk):
    municipality = _municipality(pk)
    return render(
        request, "reports/brochure.html", {**content.brochure(municipality), "site_url": ""}
    )


def brochure_pdf(request, pk):
    municipality = _municipality(pk)
    response = HttpResponse(services.brochure_pdf(municipality), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{services.brochure_filename(municipality)}"'
    )
    return response
