from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bruecken.accounts import roles
from bruecken.actors.forms import OrganisationFilterForm, PersonFilterForm
from bruecken.permissions import require
from bruecken.web import apply_form_error, confirm_first

from . import exports, progress, services
from .forms import MappingForm, UploadForm, ValueMappingForm
from .importers import IMPORTERS
from .importers.values import VOCABULARIES
from .models import ImportRun

RECENT_RUNS = 20


def _refused(request, act):
    """Let the service act; its refusal becomes an error message. Returns what it returned, or
    None when it refused."""
    try:
        return act()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None


@login_required
def index(request):
    """Upload a file, and the imports so far."""
    require(request.user, "transfer.import_data")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.create_import(
                request.user,
                form.cleaned_data["kind"],
                form.cleaned_data["file"],
                form.cleaned_data["on_duplicate"],
            )
        except ValidationError as error:
            apply_form_error(form, error)
        else:
            return redirect(run)
    runs = ImportRun.objects.select_related("created_by")
    if not roles.is_program_office(request.user):
        runs = runs.filter(created_by=request.user)
    return render(
        request,
        "transfer/index.html",
        {"form": form, "runs": runs[:RECENT_RUNS]},
    )


def _run(request, pk):
    run = get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)
    require(request.user, "transfer.view_importrun", run)
    if run.status == ImportRun.Status.COMMITTING:
        # While the rows are written, the count is kept beside the uploads (see progress.py).
        run.processed_rows = max(run.processed_rows, progress.read(run.pk))
    return run


def _field_label(model, name):
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


def _listed(value):
    return ", ".join(value) if isinstance(value, list) else value


def _mapped_values(run):
    """The values the dry run translated by a mapping, with the names they became."""
    shown, vocabularies = [], {}
    for item in run.mapped_values:
        name = item.get("vocabulary")
        if name not in VOCABULARIES:
            continue
        if name not in vocabularies:
            vocabularies[name] = VOCABULARIES[name]()
        target = item.get("target") or ""
        shown.append(
            {
                "vocabulary": name,
                "key": item.get("key", ""),
                "value": item.get("value", ""),
                "what": vocabularies[name].label,
                "target": vocabularies[name].label_of(target) if target else "",
            }
        )
    return shown


def _context(run, form=None, values_form=None):
    columns = IMPORTERS[run.kind].columns
    mapped = [
        {"header": run.headers[int(index)], "field": columns[key].label}
        for index, key in sorted(run.mapping.items(), key=lambda item: int(item[0]))
        if key in columns and int(index) < len(run.headers)
    ]
    model = IMPORTERS[run.kind].model
    preview = [
        {
            **row,
            "changes": [
                {"field": _field_label(model, name), "old": _listed(old), "new": _listed(new)}
                for name, (old, new) in row.get("changes", {}).items()
            ],
        }
        for row in run.preview
    ]
    if values_form is None and run.status == ImportRun.Status.CHECKED and run.unknown_values:
        values_form = ValueMappingForm(run=run)
    return {
        "run": run,
        "form": form,
        "values_form": values_form,
        "mapped_values": _mapped_values(run) if run.status == ImportRun.Status.CHECKED else [],
        "warnings": run.warnings,
        "hidden_warnings": max(0, run.warning_count - len(run.warnings)),
        "preview": preview,
        "mapped": mapped,
        "file_problems": [p for p in run.problems if not p.get("row")],
        "row_problems": [p for p in run.problems if p.get("row")],
        "hidden_problems": max(0, run.problem_count - len(run.problems)),
    }


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    form = MappingForm(run=run) if run.status == ImportRun.Status.UPLOADED else None
    return render(request, "transfer/run.html", _context(run, form))


@login_required
@require_GET
def run_progress(request, pk):
    """The progress bar, polled by htmx; once the run is done, the page is loaded again."""
    run = _run(request, pk)
    response = render(request, "transfer/includes/progress.html", {"run": run})
    if not run.is_busy:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_check(request, pk):
    run = _run(request, pk)
    form = MappingForm(request.POST, run=run)
    if not form.is_valid():
        return render(request, "transfer/run.html", _context(run, form))
    _refused(
        request,
        lambda: services.start_check(
            request.user, run, form.mapping(), form.cleaned_data["on_duplicate"]
        ),
    )
    return redirect(run)


@login_required
@require_POST
def run_values(request, pk):
    """Confirm or change the proposed mapping of unknown values (or leave them out); the
    file is checked again at once."""
    run = _run(request, pk)
    form = ValueMappingForm(request.POST, run=run)
    if not form.is_valid():
        return render(request, "transfer/run.html", _context(run, values_form=form))
    _refused(request, lambda: services.map_values(request.user, run, form.choices()))
    return redirect(run)


@login_required
@require_POST
def run_change_value(request, pk):
    """Change a value's saved mapping: it is forgotten and listed for mapping again."""
    run = _run(request, pk)
    vocabulary = request.POST.get("vocabulary", "")
    key = request.POST.get("key", "")
    # Keys are what normalise() makes: letters and digits only (no NUL for PostgreSQL).
    if vocabulary in VOCABULARIES and 0 < len(key) <= 200 and key.isalnum() and key.isascii():
        _refused(request, lambda: services.change_value(request.user, run, vocabulary, key))
    return redirect(run)


@login_required
@require_POST
def run_commit(request, pk):
    run = _run(request, pk)
    accepted = request.POST.get("accept_warnings") == "1"
    done = _refused(request, lambda: services.commit(request.user, run, accepted))
    if done is not None and done.status == ImportRun.Status.DONE:
        messages.success(request, _("The file was imported."))
    return redirect(run)


@login_required
@require_http_methods(["GET", "POST"])
def run_abandon(request, pk):
    run = _run(request, pk)

    def act():
        if _refused(request, lambda: services.abandon(request.user, run)) is None:
            return redirect(run)
        messages.success(request, _("The import was abandoned and its file deleted."))
        return redirect("transfer:index")

    return confirm_first(
        request,
        act,
        question=_("Abandon the import of “%(name)s”?") % {"name": run.original_name},
        consequence=_(
            "The uploaded file is deleted and nothing of it is imported. To import it later, "
            "upload it again."
        ),
        confirm=_("Abandon the import"),
        back_url=run.get_absolute_url(),
    )


def _export(request, form_class, rows, basename):
    require(request.user, "transfer.export_actors")
    form = form_class(request.GET)
    form.is_valid()
    # As on the list page: filters that do not validate are ignored, the rest apply.
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        handle = exports.xlsx_file(rows(request.user, data), basename)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{basename}-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    encoding = "cp1252" if request.GET.get("encoding") == "cp1252" else "utf-8"
    response = StreamingHttpResponse(
        exports.csv_stream(rows(request.user, data), encoding),
        content_type=f"text/csv; charset={'windows-1252' if encoding == 'cp1252' else 'utf-8'}",
    )
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
    return response


@login_required
@require_GET
def export_organisations(request):
    return _export(request, OrganisationFilterForm, exports.organisation_rows, _("organisations"))


@login_required
@require_GET
def export_people(request):
    return _export(request, PersonFilterForm, exports.person_rows, _("people"))
