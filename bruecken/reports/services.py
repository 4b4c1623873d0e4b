"""Requesting and running the PDF builds of the process documentation, and the actor brochure's
PDF. Requests check the rule, run in a transaction and write the audit entry; the build itself
runs as a background task (`build_process_document`, beside `run_build`) and records its
progress on the build's row, where the page polls it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_tasks import task

from bruecken.accounts import audit
from bruecken.actors.models import Organisation
from bruecken.cache import cached_for_version
from bruecken.events.models import Registration
from bruecken.pdf import html_to_pdf
from bruecken.permissions import require
from bruecken.programs.models import Goal, LocalProcess, Result

from . import content
from .models import ProcessDocumentBuild

logger = logging.getLogger(__name__)
Status = ProcessDocumentBuild.Status

# A build still queued or running after this long is taken for lost (no worker running, or one
# that stopped half-way): it is marked failed, and a new one may be requested.
STALE_AFTER = timedelta(minutes=30)

# The steps of a build, stored by key and shown in the reader's language.
STEPS = {
    "queued": gettext_lazy("Waiting for the background worker"),
    "gather": gettext_lazy("Gathering workshops, goals and results"),
    "network": gettext_lazy("Measuring the network"),
    "render": gettext_lazy("Writing the document"),
    "pdf": gettext_lazy("Making the PDF"),
    "store": gettext_lazy("Storing the file"),
    "done": gettext_lazy("Finished"),
}

# Why a build failed, where we know it: stored by key, shown in the reader's language. Other
# failures store the exception's own text.
STALE = "stale"
WITHDRAWN = "withdrawn"
ERRORS = {
    STALE: gettext_lazy(
        "The build did not finish in time: no background worker took it, or it stopped."
    ),
    WITHDRAWN: gettext_lazy(
        "Removed: it named an organisation of another municipality that has since withdrawn "
        "its consent to publication. A new PDF is made without that name."
    ),
}


def error_text(build):
    return ERRORS.get(build.error, build.error)


def build_language(language=None):
    """One of the site's languages: the given or active one, else the default."""
    codes = [code for code, _name in settings.LANGUAGES]
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in codes else settings.LANGUAGE_CODE[:2]


def _expire_stale(process, now):
    stale = ProcessDocumentBuild.objects.filter(
        process=process,
        status__in=ProcessDocumentBuild.IN_PROGRESS,
        requested_at__lt=now - STALE_AFTER,
    )
    stale.update(
        status=Status.FAILED,
        error=STALE,
        finished_at=now,
    )


@transaction.atomic
def request_process_document_build(user, process, language=None):
    """Queue a PDF build of the process documentation in `language` (default: the active
    one). One build per process at a time; the earlier files stay until it is done."""
    require(user, "reports.build_process_document", process)
    now = timezone.now()
    # Requests for one process wait for each other here, so two clicks make one build.
    LocalProcess.objects.select_for_update().filter(pk=process.pk).first()
    _expire_stale(process, now)
    if ProcessDocumentBuild.objects.filter(
        process=process, status__in=ProcessDocumentBuild.IN_PROGRESS
    ).exists():
        raise ValidationError(
            _("A PDF of this documentation is being made already."), code="in_progress"
        )
    build = ProcessDocumentBuild(
        process=process, language=build_language(language), requested_by=user, step="queued"
    )
    with audit.changes(user, build, ["process"], subjects=[process]) as extra:
        build.save()
        # The code, not the language's name: what the build is made in.
        extra["language"] = [None, build.language]
    build_id = build.pk
    transaction.on_commit(lambda: _enqueue(build_id))
    return build


def _enqueue(build_id):
    build_process_document.enqueue(build_id)


def _progress(build_id, percent, step):
    ProcessDocumentBuild.objects.filter(pk=build_id).update(progress=percent, step=step)


def document_filename(process, day):
    name = slugify(f"{_('process documentation')} {process.municipality.name}")
    return f"{name}-{day.isoformat()}.pdf"


def render_process_document(process, progress=None, pdf=True):
    """The documentation as HTML for the PDF (the page's template without the site around it)
    and, with `pdf`, its PDF."""
    report = content.process_document(process, progress=progress)
    if progress:
        progress(60, "render")
    html = render_to_string(
        "reports/process_document_pdf.html", {**report, "site_url": settings.SITE_URL}
    )
    if not pdf:
        return html, None
    if progress:
        progress(70, "pdf")
    return html, html_to_pdf(html)


def run_build(build_id):
    """Run a queued build: claim it, render, store the file. A failure is recorded on the build
    (the previous builds keep their files) and returns False."""
    now = timezone.now()
    claimed = ProcessDocumentBuild.objects.filter(pk=build_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, progress=5, step="gather"
    )
    if not claimed:
        return False
    build = ProcessDocumentBuild.objects.select_related(
        "process__program", "process__municipality", "process__template"
    ).get(pk=build_id)
    try:
        with translation.override(build.language):
            _html, pdf = render_process_document(
                build.process, progress=lambda percent, step: _progress(build_id, percent, step)
            )
            _progress(build_id, 95, "store")
            filename = document_filename(build.process, timezone.localdate())
            build.file.save(filename, ContentFile(pdf), save=False)
    except Exception as error:
        logger.exception("Process documentation build %s failed", build_id)
        ProcessDocumentBuild.objects.filter(pk=build_id).update(
            status=Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return False
    finished = ProcessDocumentBuild.objects.filter(pk=build_id, status=Status.RUNNING).update(
        status=Status.DONE,
        file=build.file.name,
        size=len(pdf),
        progress=100,
        step="done",
        finished_at=timezone.now(),
    )
    if not finished:
        # Given up meanwhile (lost, or its content outdated by a withdrawn consent): its file
        # is not kept.
        build.file.storage.delete(build.file.name)
        return False
    return True


@task()
def build_process_document(build_id):
    """Build the PDF of one requested process documentation (`run_build`), in the worker."""
    return run_build(build_id)


def build_lost(args, kwargs, requeued):
    """The worker running `build_process_document` died (bruecken/workers.py): the build waits
    for the next worker again, or has failed and says so."""
    builds = ProcessDocumentBuild.objects.filter(pk=(args or [kwargs.get("build_id")])[0])
    if requeued:
        builds.filter(status=Status.RUNNING).update(status=Status.QUEUED, progress=0, step="queued")
    else:
        builds.filter(status__in=ProcessDocumentBuild.IN_PROGRESS).update(
            status=Status.FAILED, error=STALE, finished_at=timezone.now()
        )


# A withdrawn consent


def _processes_naming(organisation):
    """The local processes of other municipalities whose stored documentation may name
    `organisation` (`content.process_document` names another municipality's organisation only
    while it is public): responsible for a goal or a result, or a participant's organisation."""
    pk = organisation.pk
    ids = set(Goal.objects.filter(responsible_id=pk).values_list("process_id", flat=True))
    ids |= set(
        Result.objects.filter(organisations=pk).values_list("workshop__process_id", flat=True)
    )
    ids |= set(
        Registration.objects.filter(person__memberships__organisation_id=pk).values_list(
            "event__process_id", flat=True
        )
    )
    ids.discard(None)
    return (
        LocalProcess.objects.filter(pk__in=ids)
        .exclude(municipality_id=organisation.municipality_id)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def remove_documents_naming(organisation):
    """After `organisation` withdrew its consent: the stored PDFs of other municipalities'
    process documentation that may name it (and the builds running, which may have gathered it
    before) are removed at once, and a new PDF is queued in the language of the newest. Returns
    the new builds."""
    process_ids = list(_processes_naming(organisation))
    if not process_ids:
        return []
    now = timezone.now()
    # Locked in the order the requests lock them (`request_process_document_build`).
    list(LocalProcess.objects.select_for_update().filter(pk__in=process_ids).order_by("pk"))
    outdated = list(
        ProcessDocumentBuild.objects.select_for_update().filter(
            process_id__in=process_ids, status__in=[Status.DONE, Status.RUNNING]
        )
    )
    languages = {}
    for build in outdated:
        languages.setdefault(build.process_id, build.language)
        if build.file:
            storage, name = build.file.storage, build.file.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    ProcessDocumentBuild.objects.filter(pk__in=[b.pk for b in outdated]).update(
        status=Status.REMOVED, file="", error=WITHDRAWN, finished_at=now
    )
    queued = set(
        ProcessDocumentBuild.objects.filter(
            process_id__in=languages, status=Status.QUEUED
        ).values_list("process_id", flat=True)
    )
    created = []
    for process in LocalProcess.objects.filter(pk__in=set(languages) - queued).order_by("pk"):
        build = ProcessDocumentBuild(
            process=process, language=languages[process.pk], requested_by=None, step="queued"
        )
        with audit.changes(None, build, ["process"], subjects=[process]) as extra:
            build.save()
            extra["language"] = [None, build.language]
        build_id = build.pk
        transaction.on_commit(lambda build_id=build_id: _enqueue(build_id))
        created.append(build)
    return created


def on_consent_withdrawn(sender, instance, erased=False, **kwargs):
    """Receiver of `actors.signals.consent_withdrawn` (connected in `ReportsConfig.ready`): the
    process documentation names no people, only organisations. The brochure needs nothing: it
    is built from the public organisations per content version, which the withdrawal counted
    up. A failure is logged, not shown to the person who withdrew."""
    if not isinstance(instance, Organisation):
        return
    try:
        remove_documents_naming(instance)
    except Exception:
        logger.exception("Removing process documentation after a withdrawn consent failed")


# The actor brochure


def brochure_filename(municipality):
    return f"{slugify(_('organisations') + ' ' + municipality.name)}.pdf"


def brochure_pdf(municipality):
    """The brochure's PDF, built when first asked for and kept in the cache under the website's
    content version (`bruecken.cache.cached_for_version`), per language: any committed change to
    what the site shows (a withdrawn consent, say) counts the version up, so the next download
    is built afresh without the withdrawn organisation. Nothing is stored as a file."""

    def build():
        html = render_to_string(
            "reports/brochure_pdf.html",
            {**content.brochure(municipality), "site_url": settings.SITE_URL},
        )
        return html_to_pdf(html)

    return cached_for_version(f"reports-brochure-{municipality.pk}", build)
