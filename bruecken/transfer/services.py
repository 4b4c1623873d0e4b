"""Import runs: upload, column mapping, dry run, commit (all or nothing), abandon, housekeeping.

A file above `TRANSFER_BACKGROUND_ROWS` rows is checked and imported by a background task; the
run's `processed_rows` counts up as rows are read, for the progress bar. The commit reads and
checks the file again (the registry may have changed since the dry run), refuses if anything is
wrong, and writes everything in one transaction: an error midway leaves nothing behind."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from bruecken import bulk
from bruecken.accounts import roles
from bruecken.accounts.audit import record
from bruecken.accounts.models import AuditEntry
from bruecken.cache import queue_bump
from bruecken.permissions import require

from . import parsing, progress
from .importers import IMPORTERS, ImportRefused, file_problem, suggest_mapping
from .importers.base import is_warning
from .importers.values import VOCABULARIES
from .models import ImportKind, ImportRun, OnDuplicate, ValueMapping

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 200
STORED_PROBLEMS = 2000


def background_rows():
    return getattr(settings, "TRANSFER_BACKGROUND_ROWS", 5000)


def max_upload_bytes():
    return getattr(settings, "TRANSFER_MAX_UPLOAD_MB", 20) * 1024 * 1024


def _read(run):
    with run.file.open("rb") as handle:
        return handle.read()


def _table(run):
    try:
        data = _read(run)
    except OSError:
        table = parsing.Table()
        table.problems.append(_("The uploaded file is no longer there. Upload it again."))
        return table
    return parsing.read_table(data, run.original_name)


@transaction.atomic
@bulk.collector_paused()
def create_import(user, kind, uploaded, on_duplicate=OnDuplicate.SKIP):
    """Store the upload privately, read its header row and suggest the column mapping."""
    require(user, "transfer.import_data")
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what to import.")})
    if uploaded.size > max_upload_bytes():
        raise ValidationError(
            {
                "file": _("The file is larger than %(size)s MB.")
                % {"size": max_upload_bytes() // (1024 * 1024)}
            }
        )
    data = uploaded.read()
    table = parsing.read_table(data, uploaded.name)
    if not table.ok:
        raise ValidationError({"file": table.problems})
    run = ImportRun(
        kind=kind,
        original_name=uploaded.name[:255],
        file_format=table.file_format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        headers=table.headers,
        mapping=suggest_mapping(table.headers, IMPORTERS[kind].columns),
        on_duplicate=on_duplicate,
        total_rows=len(table.rows),
        created_by=user,
    )
    run.file.save(uploaded.name[-100:], ContentFile(data), save=False)
    run.save()
    return run


def _check_allowed(user, run):
    require(user, "transfer.view_importrun", run)
    require(user, "transfer.import_data")


def _now_or_in_background(run, work, background_task):
    """Large files are left to a worker (the run shows its progress); the rest is done now."""
    if run.in_background:
        background_task.enqueue(run.pk)
        return run
    return work(run.pk)


def start_check(user, run, mapping=None, on_duplicate=None):
    """Set the mapping and run the dry run (now, or in the background for large files)."""
    run = _start_check(user, run, mapping, on_duplicate)
    return _now_or_in_background(run, run_check, check_import_task)


@transaction.atomic
def _start_check(user, run, mapping, on_duplicate):
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    _check_allowed(user, run)
    if run.is_busy or run.is_finished:
        raise ValidationError(_("This import is already under way or finished."))
    if mapping is not None:
        columns = IMPORTERS[run.kind].columns
        run.mapping = {
            str(index): key
            for index, key in mapping.items()
            if key in columns and str(index).isdigit() and int(index) < len(run.headers)
        }
    if on_duplicate in OnDuplicate.values:
        run.on_duplicate = on_duplicate
    run.status = ImportRun.Status.CHECKING
    run.processed_rows = 0
    run.in_background = run.total_rows > background_rows()
    run.save()
    return run


def _progress_updater(run):
    def progress(rows):
        ImportRun.objects.filter(pk=run.pk).update(processed_rows=rows)

    return progress


def value_mapping_for(run):
    """The mappings remembered for the run's user, with the run's own choices over them."""
    mapping = ValueMapping.objects.for_user(run.created_by).as_dict()
    for vocabulary, values in (run.value_mapping or {}).items():
        mapping.setdefault(vocabulary, {}).update(values)
    return mapping


def _importer(run):
    return IMPORTERS[run.kind](
        run.created_by, run.headers, run.mapping, run.on_duplicate, value_mapping_for(run)
    )


def _check(run, progress_scale=1.0):
    """(importer, plans, problems) of the run's file as it is now."""
    table = _table(run)
    if not table.ok:
        return None, [], [file_problem(message) for message in table.problems]
    importer = _importer(run)
    update = _progress_updater(run)

    def scaled(rows):
        update(int(rows * progress_scale))

    plans, problems = importer.check(table.rows, progress=scaled)
    return importer, plans, problems


def _summarise(plans):
    counts = {"create": 0, "update": 0, "skip": 0, "unchanged": 0}
    for plan in plans:
        counts[plan.action] = counts.get(plan.action, 0) + 1
    return counts


def _store_problems(run, problems):
    """Errors keep a row out (and the file from being imported); warnings name a value the
    row is imported without."""
    errors = [problem for problem in problems if not is_warning(problem)]
    warnings = [problem for problem in problems if is_warning(problem)]
    run.problem_count = len(errors)
    run.problems = errors[:STORED_PROBLEMS]
    run.warning_count = len(warnings)
    run.warnings = warnings[:STORED_PROBLEMS]


def _store_values(run, importer):
    if importer is None:
        run.unknown_values, run.mapped_values = [], []
        return
    run.unknown_values = importer.unknown_values()
    run.mapped_values = [
        {"vocabulary": vocabulary, "key": key, "value": value, "target": target}
        for (vocabulary, key), (value, target) in importer.mapped.items()
    ]


@bulk.collector_paused()
def run_check(run_id):
    """The dry run: read and check every row, write nothing but the findings."""
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    try:
        importer, plans, problems = _check(run)
    except Exception:
        logger.exception("Import %s: the dry run failed", run.pk)
        importer, plans, problems = None, [], [file_problem(_("The file could not be checked."))]
    _store_problems(run, problems)
    _store_values(run, importer)
    run.summary = _summarise(plans)
    run.preview = [
        {"row": plan.row, "action": plan.action, "label": plan.label, "changes": plan.changes}
        for plan in plans[:PREVIEW_ROWS]
    ]
    run.processed_rows = run.total_rows
    run.status = ImportRun.Status.CHECKED
    run.save()
    return run


@task()
def check_import_task(run_id):
    """The dry run of a large file, in the background."""
    run_check(run_id)


def commit(user, run, accept_warnings=False):
    """Import a checked run without errors and with every value mapped (now, or in the
    background for large files). Warnings must be accepted: those values are left out."""
    run = _start_commit(user, run, accept_warnings)
    return _now_or_in_background(run, run_commit, commit_import_task)


@transaction.atomic
def _start_commit(user, run, accept_warnings):
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    _check_allowed(user, run)
    if run.unknown_values and run.status == ImportRun.Status.CHECKED:
        raise ValidationError(_("Map the unknown values first, or leave them out."))
    if not run.can_commit:
        raise ValidationError(
            _("The file has problems; fix them and upload it again before importing.")
        )
    if run.warning_count and not accept_warnings:
        raise ValidationError(
            _("Confirm that the rows with warnings are imported without those values.")
        )
    run.status = ImportRun.Status.COMMITTING
    run.processed_rows = 0
    run.save()
    return run


def _write_progress(run):
    """The writing, the last fifth of a commit's progress (reading and checking the rows again
    is the rest): reported beside the uploads, since the transaction hides the run's row."""
    start = int(run.total_rows * 0.8)

    def report(share):
        progress.report(run.pk, start + int((run.total_rows - start) * share))

    return report


def _delete_file(run):
    if run.file:
        run.file.delete(save=False)
        run.file = ""


@bulk.collector_paused()
def run_commit(run_id):
    """Check the file again; with no problems, write it all in one transaction."""
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    try:
        importer, plans, problems = _check(run, progress_scale=0.8)
        errors = [problem for problem in problems if not is_warning(problem)]
        if errors or (importer is not None and importer.unknown):
            _store_values(run, importer)
            raise ImportRefused(problems)
        ImportRun.objects.filter(pk=run.pk).update(processed_rows=int(run.total_rows * 0.8))
        with transaction.atomic():
            summary = importer.write(plans, run, progress=_write_progress(run))
            counts = _summarise(plans)
            summary["skipped"] = counts["skip"]
            summary["unchanged"] = counts["unchanged"]
            record(
                run.created_by,
                AuditEntry.Action.CREATE,
                run,
                {
                    "kind": [None, run.get_kind_display()],
                    "file": [None, run.original_name],
                    "created": [None, summary["created"]],
                    "updated": [None, summary["updated"]],
                    "skipped": [None, summary["skipped"]],
                },
            )
            # Bulk writes send no model signals: tell the public site's page cache directly.
            queue_bump()
    except ImportRefused as refused:
        # The registry changed since the dry run (or a service refused a row): nothing written.
        _store_problems(run, refused.problems)
        run.status = ImportRun.Status.CHECKED
        run.save()
        return run
    except (IntegrityError, DatabaseError, ValidationError, PermissionDenied) as error:
        logger.warning("Import %s refused: %s", run.pk, error)
        return _failed(
            run,
            _(
                "Nothing was imported: the registry changed while importing (%(error)s). "
                "Upload the file again to check it anew."
            )
            % {"error": str(error)[:200]},
        )
    except Exception:
        logger.exception("Import %s failed", run.pk)
        return _failed(run, _("Nothing was imported: an error occurred while importing."))
    finally:
        progress.clear(run.pk)
    run.summary = summary
    run.problems, run.problem_count = [], 0  # the warnings stay: what was left out
    run.status = ImportRun.Status.DONE
    run.processed_rows = run.total_rows
    run.finished_at = timezone.now()
    _delete_file(run)
    run.save()
    return run


@task()
def commit_import_task(run_id):
    """The import of a large file, in the background."""
    run_commit(run_id)


def import_lost(args, kwargs, requeued):
    """The worker checking or importing a large file died (bruecken/workers.py): queued again,
    the work starts over (an import writes in one transaction: nothing was kept); given up,
    the run has failed and says why."""
    if requeued:
        return
    run = (
        ImportRun.objects.select_for_update().filter(pk=(args or [kwargs.get("run_id")])[0]).first()
    )
    if run is not None and run.is_busy:
        _failed(run, _("The background worker stopped while working on this file."))


def _failed(run, message):
    _store_problems(run, [file_problem(message)])
    run.status = ImportRun.Status.FAILED
    run.save()
    return run


def map_values(user, run, choices):
    """The user's choice for the run's unknown values: {(vocabulary, value key): code, or ""
    to leave the value out}. Remembered for the next import (for a coordinator's
    municipalities, else for the user), then the file is checked again."""
    _map_values(user, run, choices)
    return start_check(user, run)


@transaction.atomic
def _map_values(user, run, choices):
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    _check_allowed(user, run)
    if run.status != ImportRun.Status.CHECKED:
        raise ValidationError(_("This import is already under way or finished."))
    listed = {(entry["vocabulary"], entry["key"]): entry for entry in run.unknown_values}
    chosen, vocabularies = {}, {}
    for (name, key), target in choices.items():
        entry = listed.get((name, key))
        if entry is None or target is None:
            continue  # only what the dry run listed; None: no choice yet
        if name not in vocabularies:
            vocabularies[name] = VOCABULARIES[name]()
        if target and vocabularies[name].value(target) is None:
            raise ValidationError(_("Choose a value from the list."))
        chosen[(name, key)] = (entry["value"], target)
    if not chosen:
        return run
    mapping = run.value_mapping or {}
    for (name, key), (_value, target) in chosen.items():
        mapping.setdefault(name, {})[key] = target
    run.value_mapping = mapping
    run.save(update_fields=["value_mapping", "updated_at"])
    owners = [{"municipality_id": pk} for pk in sorted(roles.coordinated_municipality_ids(user))]
    if not owners:
        owners = [{"user": user}]
    for owner in owners:
        for (name, key), (value, target) in chosen.items():
            ValueMapping.objects.update_or_create(
                **owner,
                **({"municipality__isnull": True} if "user" in owner else {}),
                vocabulary=name,
                value_key=key,
                defaults={"value": value[:200], "target": target, "changed_by": user},
            )
    record(
        user,
        AuditEntry.Action.UPDATE,
        run,
        {
            "value_mapping": [
                None,
                sorted(f"{value} → {target or '–'}" for value, target in chosen.values()),
            ]
        },
    )
    return run


def change_value(user, run, vocabulary, key):
    """Forget how a value was mapped (for this run and in the remembered mappings the user's
    imports use): the file is checked again and the value is listed for mapping anew."""
    _forget_value(user, run, vocabulary, key)
    return start_check(user, run)


@transaction.atomic
def _forget_value(user, run, vocabulary, key):
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    _check_allowed(user, run)
    if run.status != ImportRun.Status.CHECKED:
        raise ValidationError(_("This import is already under way or finished."))
    mapping = run.value_mapping or {}
    mapping.get(vocabulary, {}).pop(key, None)
    run.value_mapping = mapping
    run.save(update_fields=["value_mapping", "updated_at"])
    owners = ValueMapping.objects.for_user(user) | ValueMapping.objects.for_user(run.created_by)
    forgotten = owners.filter(vocabulary=vocabulary, value_key=key)
    removed = sorted(str(mapping) for mapping in forgotten)
    forgotten.delete()
    if removed:
        record(user, AuditEntry.Action.UPDATE, run, {"value_mapping": [removed, None]})
    return run


@transaction.atomic
def abandon(user, run):
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    require(user, "transfer.view_importrun", run)
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.COMMITTING):
        raise ValidationError(_("This import cannot be abandoned any more."))
    run.status = ImportRun.Status.ABANDONED
    run.finished_at = timezone.now()
    _delete_file(run)
    run.save()
    return run


def delete_stale_uploads(now=None, hours=None):
    """Housekeeping: delete the files of imports that are finished, or were left alone for
    longer than TRANSFER_UPLOAD_RETENTION_HOURS (default 48; those count as abandoned), and
    after that time also the rows' values kept for the preview and the problems (they are
    personal data). Returns how many files were deleted."""
    if hours is None:
        hours = getattr(settings, "TRANSFER_UPLOAD_RETENTION_HOURS", 48)
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=hours)
    busy = [ImportRun.Status.CHECKING, ImportRun.Status.COMMITTING]
    finished = [ImportRun.Status.DONE, ImportRun.Status.ABANDONED]
    deleted = 0
    with_file = ImportRun.objects.exclude(file="")
    stale = with_file.filter(updated_at__lt=cutoff).exclude(status__in=busy) | with_file.filter(
        status__in=finished
    )
    for run in stale:
        _delete_file(run)
        if run.status not in finished:
            run.status = ImportRun.Status.ABANDONED
            run.finished_at = now
        run.save(update_fields=["file", "status", "finished_at", "updated_at"])
        deleted += 1
    ImportRun.objects.filter(file="", updated_at__lt=cutoff).exclude(status__in=busy).exclude(
        problems=[], preview=[], warnings=[], unknown_values=[], mapped_values=[]
    ).update(problems=[], preview=[], warnings=[], unknown_values=[], mapped_values=[])
    return deleted
