"""Published guideline editions after a withdrawn consent (GDPR Art. 7(3), 17).

A published edition is frozen (`Edition.snapshot` and its files). When an organisation or a
person it names withdraws its consent to publication (`actors.signals.consent_withdrawn`, sent by
the actors' and privacy services, by an erasure and by a delete), every edition that names them
gets a public content without them at once (`Edition.public_snapshot`: the organisation leaves
the annex of consenting organisations, and every mention in a text becomes "Organisation (not
public)" / "Person (not public)"), dated "Redacted on …". The edition keeps its number. Its
public files are deleted at once and rebuilt from that content in the background with the
publication's renderers; until then there is nothing to download. The program office still
reads and downloads the frozen edition (views `edition_unredacted*`).

An erasure (or the delete of a person) takes the name out of the frozen snapshot and files too:
no copy of an erased person is kept. Consent given again later does not bring a name back into an
edition redacted before: that consent was not given for the published edition.

Names are found by text: the snapshot keeps what was printed, not the ids. The actor's present
name, its earlier names (from the audit log) and a person's e-mail address are looked for as
whole words, case-insensitively; over-redacting a homonym is the safe side."""

import copy
import logging
import re
import time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Organisation, hidden_organisation_name
from bruecken.permissions import require
from bruecken.storage import delete_quietly

from .models import BUILDING, STALLED_AFTER, BuildStatus, Edition

logger = logging.getLogger(__name__)

# Keys of a snapshot that hold no printed text (or text a name cannot be in).
TECHNICAL_KEYS = {
    "version",
    "language",
    "anchor",
    "kind",
    "type",
    "id",
    "number",
    "published_at",
    "redacted_on",
}
# Shorter strings are not searched for: they would blacken ordinary words.
MIN_NAME_LENGTH = 2
REDACTION_FIELDS = [
    "public_snapshot",
    "redacted_at",
    "public_html_file",
    "public_pdf_file",
    "public_docx_file",
    "snapshot",
    "frozen_files_outdated",
    "html_file",
    "pdf_file",
    "docx_file",
    "redaction_status",
    "redaction_error",
    "updated_at",
]
PUBLIC_FIELDS = {"html": "public_html_file", "pdf": "public_pdf_file", "docx": "public_docx_file"}
FROZEN_FIELDS = {"html": "html_file", "pdf": "pdf_file", "docx": "docx_file"}


def redacted_name(instance, language):
    """How a redacted name reads, in the edition's language: like an organisation a reader may
    not see everywhere else (`hidden_organisation_name`)."""
    with translation.override(language):
        if isinstance(instance, Organisation):
            return hidden_organisation_name()
        return _("Person (not public)")


def names_of(instance):
    """The strings that identify `instance` in a printed edition: its name now and before (the
    audit log's changes of the name), and a person's e-mail address."""
    names = {instance.name}
    if not isinstance(instance, Organisation) and getattr(instance, "email", ""):
        names.add(instance.email)
    for changes in AuditEntry.objects.filter(
        object_type=instance._meta.label_lower, object_id=str(instance.pk)
    ).values_list("changes", flat=True):
        values = (changes or {}).get("name")
        if isinstance(values, list):
            names.update(value for value in values if isinstance(value, str))
    return {name.strip() for name in names if name and len(name.strip()) >= MIN_NAME_LENGTH}


def name_pattern(names):
    """One expression finding any of `names` as whole words, also in the genitive ("des Ghana
    Union Bonns", "Ama's"), whatever the case and however the text broke the lines between its
    words."""
    alternatives = [
        r"\s+".join(re.escape(word) for word in name.split())
        for name in sorted(names, key=len, reverse=True)
    ]
    return re.compile(
        r"(?<!\w)(?:" + "|".join(alternatives) + r")(?:['’]?s|es)?(?!\w)", re.IGNORECASE
    )


def _replaced(value, pattern, replacement):
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_replaced(item, pattern, replacement) for item in value]
    if isinstance(value, dict):
        return {
            key: item if key in TECHNICAL_KEYS else _replaced(item, pattern, replacement)
            for key, item in value.items()
        }
    return value


def redact(content, pattern, replacement):
    """`content` (a snapshot) without the names `pattern` finds: gone from the annex's list of
    consenting organisations, replaced by `replacement` in every text."""
    content = copy.deepcopy(content)
    for chapter in content.get("chapters", []):
        if chapter.get("organisations"):
            chapter["organisations"] = [
                row
                for row in chapter["organisations"]
                if not pattern.fullmatch(str(row.get("name", "")).strip())
            ]
    return _replaced(content, pattern, replacement)


def mark_redacted(content, when):
    """The date the content says it was redacted on, in its language."""
    with translation.override(content["language"]):
        content["redacted_on"] = formats.date_format(timezone.localdate(when), "DATE_FORMAT")
    return content


def _delete_files_on_commit(names):
    storage = Edition._meta.get_field("pdf_file").storage
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [delete_quietly(storage, name) for name in names])


def _clear(edition, fields):
    """Empty the file fields, their files deleted once the change commits."""
    _delete_files_on_commit([getattr(edition, name).name for name in fields])
    for name in fields:
        setattr(edition, name, "")


def _queue_rebuild(edition):
    edition.redaction_status = BuildStatus.QUEUED
    edition.redaction_error = ""
    if edition.is_published:
        edition_id = edition.pk
        transaction.on_commit(lambda: build_redacted_edition_task.enqueue(edition_id))
    # An edition still being built for its publication queues the rebuild when that is done
    # (`services.build_edition`).


def _redact_edition(edition_id, pattern, instance, erased, now):
    """Redact one edition (locked) if it names `instance`; returns whether it did."""
    edition = Edition.objects.select_for_update().filter(pk=edition_id).first()
    if edition is None or edition.snapshot is None:
        return False
    replacement = redacted_name(instance, edition.snapshot["language"])
    public = redact(edition.public_content, pattern, replacement)
    frozen = redact(edition.snapshot, pattern, replacement) if erased else edition.snapshot
    if public == edition.public_content and frozen == edition.snapshot:
        return False
    before = edition.redacted_at
    edition.public_snapshot = mark_redacted(public, now)
    edition.redacted_at = now
    # Whatever was public so far names them: nothing to download until the rebuild is done.
    _clear(edition, PUBLIC_FIELDS.values())
    if frozen != edition.snapshot:
        edition.snapshot = frozen
        edition.frozen_files_outdated = True
        _clear(edition, FROZEN_FIELDS.values())
    _queue_rebuild(edition)
    # Only these: a publication build may be reporting its progress meanwhile.
    edition.save(update_fields=REDACTION_FIELDS)
    # Who withdrew is not written here: the actor's own entry records it.
    audit.record(
        None,
        AuditEntry.Action.UPDATE,
        edition,
        {"redacted_at": [str(before) if before else None, str(now)]},
        subjects=[edition.program],
    )
    return True


def redact_editions(instance, erased=False, now=None):
    """Take `instance` (an Organisation or Person) out of the public content of every edition
    that names it, and with `erased` out of the frozen edition too; queue the rebuild of the
    files. Returns the ids of the editions redacted."""
    names = names_of(instance)
    if not names:
        return []
    pattern = name_pattern(names)
    now = now or timezone.now()
    redacted = []
    for edition_id in Edition.objects.filter(snapshot__isnull=False).values_list("pk", flat=True):
        with transaction.atomic():
            if _redact_edition(edition_id, pattern, instance, erased, now):
                redacted.append(edition_id)
    return redacted


def on_consent_withdrawn(sender, instance, erased=False, **kwargs):
    """Receiver of `actors.signals.consent_withdrawn` (connected in `GuideConfig.ready`). It runs
    after the withdrawal committed: a failure here is logged, not shown to the person who
    withdrew, whose change stands."""
    try:
        redact_editions(instance, erased=erased)
    except Exception:
        logger.exception("Redacting the guideline editions after a withdrawn consent failed")


# The rebuild


def _render_all(content, renderers):
    return {kind: renderer(content) for kind, _label, renderer in renderers}


def _save_files(edition, files, fields, saved):
    base = f"guide-{edition.program_id}-{edition.number}"
    suffix = "-redacted" if fields is PUBLIC_FIELDS else ""
    for kind, data in files.items():
        field = getattr(edition, fields[kind])
        old = field.name
        field.save(f"{base}{suffix}.{kind}", ContentFile(data), save=False)
        saved.append(field.name)
        _delete_files_on_commit([old])


def build_redacted(edition_id, renderers=None):
    """Render a redacted edition's public content (and, after an erasure, its frozen snapshot)
    into its files. Runs in the worker. A later redaction meanwhile queued its own rebuild: this
    one then keeps nothing. A failure is recorded on the edition, which stays without public
    files until the program office rebuilds it."""
    from . import render

    renderers = renderers or render.RENDERERS
    claimed = Edition.objects.filter(pk=edition_id, redaction_status=BuildStatus.QUEUED).update(
        redaction_status=BuildStatus.RUNNING, updated_at=timezone.now()
    )
    edition = Edition.objects.filter(pk=edition_id).first()
    if not claimed or edition is None or not edition.is_published:
        return False
    public = edition.public_snapshot
    frozen = edition.snapshot if edition.frozen_files_outdated else None
    started = time.monotonic()
    saved = []
    try:
        public_files = _render_all(public, renderers)
        frozen_files = _render_all(frozen, renderers) if frozen is not None else {}
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(pk=edition_id)
            if (
                edition.redaction_status != BuildStatus.RUNNING
                or edition.public_snapshot != public
                or (frozen is not None and edition.snapshot != frozen)
            ):
                return False
            _save_files(edition, public_files, PUBLIC_FIELDS, saved)
            if frozen is not None:
                _save_files(edition, frozen_files, FROZEN_FIELDS, saved)
                edition.frozen_files_outdated = False
            edition.redaction_status = BuildStatus.DONE
            edition.redaction_error = ""
            edition.save()
    except Exception as error:
        logger.exception("Rebuilding redacted guideline edition %s failed", edition_id)
        storage = Edition._meta.get_field("pdf_file").storage
        for name in saved:
            delete_quietly(storage, name)
        Edition.objects.filter(pk=edition_id, redaction_status=BuildStatus.RUNNING).update(
            redaction_status=BuildStatus.FAILED,
            redaction_error=f"{type(error).__name__}: {error}"[:2000],
            updated_at=timezone.now(),
        )
        return False
    logger.info("Rebuilt redacted edition %s in %.1f s", edition_id, time.monotonic() - started)
    return True


@task()
def build_redacted_edition_task(edition_id):
    """Rebuild a redacted edition's files in the worker (`build_redacted`)."""
    return build_redacted(edition_id)


def rebuild_lost(args, kwargs, requeued):
    """The worker rebuilding the redacted files died (bruecken/workers.py): queued again, the
    rebuild starts over; given up, it is failed and the program office may start it again."""
    editions = Edition.objects.filter(
        pk=(args or [kwargs.get("edition_id")])[0], redaction_status=BuildStatus.RUNNING
    )
    if requeued:
        editions.update(redaction_status=BuildStatus.QUEUED, updated_at=timezone.now())
    else:
        editions.update(
            redaction_status=BuildStatus.FAILED,
            redaction_error=_("The background worker stopped during the build."),
            updated_at=timezone.now(),
        )


def may_retry(edition, now=None):
    """A failed rebuild, or one without progress for `STALLED_AFTER` (its worker died), may be
    started again."""
    if edition.redacted_at is None or not edition.is_published:
        return False
    if edition.redaction_status == BuildStatus.FAILED:
        return True
    now = now or timezone.now()
    return edition.redaction_status in BUILDING and edition.updated_at < now - STALLED_AFTER


@transaction.atomic
def retry_redacted_build(user, edition):
    """The program office starts a failed or stalled rebuild again."""
    require(user, "guide.manage_editions")
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if not may_retry(edition):
        raise ValidationError(_("The redacted files are being built or already built."))
    before = edition.redaction_status
    _queue_rebuild(edition)
    edition.save()
    audit.record(
        user,
        AuditEntry.Action.UPDATE,
        edition,
        {"redaction_status": [before, BuildStatus.QUEUED.value]},
        subjects=[edition.program],
    )
    return edition
