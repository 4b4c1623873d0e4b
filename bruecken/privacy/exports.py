"""A person's export of everything held about them (GDPR Art. 15 and 20): one zip with the
whole as JSON and one CSV per kind of data, built in the background (`build_export_task`,
beside `build_export`), kept outside the public files (`models.ExportStorage`), served only
to its owner (`download_response`) and deleted by the housekeeping once it expires
(DATA_EXPORT_HOURS)."""

import csv
import io
import json
import logging
import zipfile
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from bruecken import personal_data, ratelimit
from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry

from .models import DataExport

logger = logging.getLogger(__name__)
Status = DataExport.Status

# Spreadsheets take a cell starting with one of these for a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DAY_SECONDS = 24 * 60 * 60


def _owner_key(user, person):
    return f"user:{user.pk}" if user is not None else f"person:{person.pk}"


def _within_daily_limit(user, person):
    """Count one request; False once the person has used up DATA_EXPORT_DAILY_LIMIT today.
    Counted per person in the cache (bruecken/ratelimit.py), never by their address."""
    limit = settings.DATA_EXPORT_DAILY_LIMIT
    if not limit:
        return True
    day = int(timezone.now().timestamp() // DAY_SECONDS)
    key = f"ratelimit:data_export:{ratelimit.digest(_owner_key(user, person))}:{day}"
    return ratelimit.count(key, DAY_SECONDS) <= limit


def request_export(*, user=None, person=None):
    """Queue the export of everything held about the account `user` (and their person record)
    or, without an account, about `person`. Who asks is the caller's check: the signed-in
    user for themselves, or a personal link sent to the person. Refused (ValidationError)
    while one is being prepared, and beyond the daily limit."""
    if user is not None and not user.is_authenticated:
        user = None
    if user is None and person is None:
        raise ValueError("An export needs an account or a person.")
    if user is not None and person is None:
        person = getattr(user, "person", None)
    with transaction.atomic():
        # Two requests at once wait for each other here, so they make one export.
        owner = user or person
        owner._meta.model.objects.select_for_update().filter(pk=owner.pk).first()
        mine = DataExport.objects.owned_by(user=user, person=person)
        # One at a time; one unfinished for longer is taken for lost and no longer blocks.
        stuck = timezone.now() - timedelta(hours=settings.DATA_EXPORT_HOURS)
        if mine.filter(status=Status.PENDING, requested_at__gt=stuck).exists():
            raise ValidationError(_("Your export is being prepared already."), code="pending")
        if not _within_daily_limit(user, person):
            raise ValidationError(
                _("You have requested several exports today. Please try again tomorrow."),
                code="rate_limited",
            )
        export = DataExport.objects.create(user=user, person=person)
        audit.record(user, AuditEntry.Action.CREATE, export, subjects=[person, user])
        export_id = str(export.pk)
        transaction.on_commit(lambda: build_export_task.enqueue(export_id))
    return export


def _language(export):
    owner = export.user or export.person
    return getattr(owner, "language", None) or settings.LANGUAGE_CODE


def _json_value(value):
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=_json_value)
    elif isinstance(value, date | datetime):
        value = _json_value(value)
    value = str(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv(section):
    keys = list(section.columns) or sorted({key for row in section.rows for key in row})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(keys)
    for row in section.rows:
        writer.writerow([_csv_value(row.get(key)) for key in keys])
    # With a byte order mark, so that spreadsheets read the umlauts right.
    return "\ufeff" + out.getvalue()


def export_zip(sections, generated_at):
    """The zip: data.json with every section, and one <kind>.csv per section."""
    document = {
        "generated_at": _json_value(generated_at),
        "sections": {
            s.kind: {"title": s.title, "columns": s.columns, "rows": s.rows} for s in sections
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(document, ensure_ascii=False, indent=2, default=_json_value),
        )
        for section in sections:
            archive.writestr(f"{section.kind}.csv", _csv(section))
    return buffer.getvalue()


def build_export(export_id):
    """Collect and store the export; a failure is recorded on it (and logged, without content).
    Returns True when it is ready."""
    export = (
        DataExport.objects.select_related("user", "person")
        .filter(pk=export_id, status=Status.PENDING)
        .first()
    )
    if export is None:
        return False
    try:
        with translation.override(_language(export)):
            now = timezone.now()
            content = export_zip(personal_data.collect(export.person, export.user), now)
        export.file.save(f"{export.pk}.zip", ContentFile(content), save=False)
    except Exception:
        logger.exception("Data export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(
            status=Status.FAILED, finished_at=timezone.now()
        )
        return False
    finished = timezone.now()
    export.status = Status.READY
    export.finished_at = finished
    export.expires_at = finished + timedelta(hours=settings.DATA_EXPORT_HOURS)
    export.save(update_fields=["file", "status", "finished_at", "expires_at"])
    return True


@task()
def build_export_task(export_id):
    return build_export(export_id)


def export_lost(args, kwargs, requeued):
    """The worker building the export died (bruecken/workers.py): queued again it stays
    "being prepared"; given up, it is marked failed, so the page says so and a new one may be
    requested."""
    if not requeued:
        DataExport.objects.filter(
            pk=(args or [kwargs.get("export_id")])[0], status=Status.PENDING
        ).update(status=Status.FAILED, finished_at=timezone.now())


def latest(*, user=None, person=None):
    """The owner's most recent export that is not yet deleted, for the page to show."""
    return DataExport.objects.owned_by(user=user, person=person).order_by("-requested_at").first()


def download_response(export_id, *, user=None, person=None):
    """The zip of the export `export_id` if it is the owner's and still available, else 404
    (the same answer for another person's export as for none)."""
    export = (
        DataExport.objects.owned_by(user=user, person=person)
        .available()
        .filter(pk=export_id)
        .first()
    )
    if export is None or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"{_('my-data')}-{timezone.localdate(export.finished_at).isoformat()}.zip"
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def delete_expired(now=None):
    """Housekeeping: delete the files and rows of expired exports (and of any stuck unfinished
    as long). Returns how many."""
    removed = 0
    for export in DataExport.objects.expired(now):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        removed += 1
    return removed
