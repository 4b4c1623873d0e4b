"""Erasure (GDPR Art. 17): a person deletes their account and data, or the program office
carries out a request it recorded for someone without an account (due within one month,
Art. 12 (3)).

The person's record is not simply deleted: registrations, attendance, invitations and
memberships hang on it, and workshop counts, network figures and reports count them. So the
record stays, named by a pseudonym ("Gelöschte Person 7F3A") and stripped of every personal
field; only a record nothing counts on any more is deleted outright. Every app removes or
pseudonymises its own part (`bruecken.personal_data.erase`), the audit log is pseudonymised
last (`accounts.audit.pseudonymise`), and the privacy ledger notes each kind and count. All of
it is one transaction: if any part fails, nothing changed."""

import calendar
import copy
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from bruecken import personal_data
from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry, Role, RoleAssignment, User
from bruecken.actors.models import Organisation, Person
from bruecken.actors.personal_data import namesake_keys
from bruecken.actors.signals import announce_consent_withdrawn
from bruecken.mail import send_each, templated_email
from bruecken.permissions import require

from . import ledger
from .models import DataExport, ErasureRequest, LedgerEntry

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 2000
Status = ErasureRequest.Status
# Rows that point at a person record but do not keep it: they go with the erasure.
NOT_COUNTED = {DataExport, ErasureRequest}


def due_on(day):
    """One month after `day` (the same day of the next month, or its last day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _clean_note(note):
    note = (note or "").replace("\x00", "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("Please keep the note under %(count)s characters.")
                % {"count": NOTE_MAX_LENGTH}
            }
        )
    return note


@transaction.atomic
def record_request(person, *, by_user, note=""):
    """The program office records that `person` asked to be erased (by letter, e-mail, phone).
    A pending request for the same person is returned instead of a second one."""
    require(by_user, "privacy.record_erasure_request", person)
    note = _clean_note(note)
    person = Person.objects.select_for_update().get(pk=person.pk)
    existing = ErasureRequest.objects.pending().filter(person=person).first()
    if existing is not None:
        return existing
    erasure_request = ErasureRequest.objects.create(
        person=person,
        due_on=due_on(timezone.localdate()),
        by_the_person=False,
        recorded_by=by_user,
        note=note,
    )
    audit.record(
        by_user,
        AuditEntry.Action.CREATE,
        erasure_request,
        {"due_on": [None, erasure_request.due_on.isoformat()]},
        subjects=[person],
    )
    return erasure_request


def sole_represented(user):
    """The organisations `user` is the only active representative of: after the erasure they
    have none (they stay in the registry; the program office is told)."""
    if user is None:
        return []
    others = RoleAssignment.objects.filter(
        role=Role.REPRESENTATIVE, organisation_id=OuterRef("pk"), user__is_active=True
    ).exclude(user=user)
    represented = RoleAssignment.objects.filter(user=user, role=Role.REPRESENTATIVE).values(
        "organisation_id"
    )
    return list(
        Organisation.objects.filter(pk__in=represented)
        .exclude(Exists(others))
        .select_related("municipality")
        .order_by("name", "pk")
    )


def is_last_program_office(user):
    if user is None or not any(a.role == Role.PROGRAM_OFFICE for a in user.roles.all()):
        return False
    return not (
        RoleAssignment.objects.filter(role=Role.PROGRAM_OFFICE, user__is_active=True)
        .exclude(user=user)
        .exists()
    )


def erase_person(person, *, by_user=None, request=None):
    """Erase `person` (and their account, if any). `by_user`: the program office, or the person
    themselves; None only for callers that checked the person's identity themselves (the link
    in an e-mail to someone without an account). Returns the ErasureRequest, carried out."""
    if by_user is not None:
        require(by_user, "privacy.erase_person", person)
    return _erase(person=person, user=None, by_user=by_user, request=request)


def delete_own_account(user):
    """`user` deletes their account and everything held about them (their person record too,
    if they have one). Returns the ErasureRequest, carried out."""
    require(user, "privacy.delete_own_account")
    if is_last_program_office(user):
        raise ValidationError(
            _(
                "The last account of the program office cannot be deleted. Give the role to "
                "someone else first."
            )
        )
    person = Person.objects.filter(user=user).first()
    return _erase(person=person, user=user, by_user=user, request=None)


def _unique_pseudonym():
    for _attempt in range(50):
        pseudonym = personal_data.new_pseudonym()
        taken = (
            ErasureRequest.objects.filter(pseudonym=pseudonym).exists()
            or Person.objects.filter(name=pseudonym).exists()
        )
        if not taken:
            return pseudonym
    raise RuntimeError("No free pseudonym found.")


def _request_for(person, request, by_user):
    if request is not None:
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if person is not None and request.person_id != person.pk:
            raise ValidationError(_("This request is about someone else."))
    elif person is not None:
        request = ErasureRequest.objects.select_for_update().pending().filter(person=person).first()
    if request is not None and not request.is_pending:
        raise ValidationError(_("This request has been dealt with already."))
    if request is None:
        by_the_person = by_user is not None and (
            person is None or (person.user_id is not None and person.user_id == by_user.pk)
        )
        request = ErasureRequest(
            person=person,
            due_on=due_on(timezone.localdate()),
            by_the_person=by_the_person or by_user is None,
            recorded_by=by_user if by_user is not None and by_user.is_authenticated else None,
        )
    return request


def _delete_exports(person, user):
    """The person's data exports: rows now, files once the erasure is committed (a rolled-back
    erasure must still find them)."""
    exports = DataExport.objects.none()
    if person is not None:
        exports |= DataExport.objects.filter(person=person)
    if user is not None:
        exports |= DataExport.objects.filter(user=user)
    exports = list(exports.distinct())
    files = [export.file for export in exports if export.file]
    DataExport.objects.filter(pk__in=[export.pk for export in exports]).delete()

    def remove_files():
        for file in files:
            try:
                file.storage.delete(file.name)
            except OSError:
                logger.exception("Could not remove an erased person's export file")

    transaction.on_commit(remove_files)
    return len(exports)


def _still_counted(person):
    """Does any row that counts (a registration, a membership, an invitation…) still point at
    the record? The apps above actors are found through the model's relations, not imported."""
    for relation in Person._meta.related_objects:
        if relation.related_model in NOT_COUNTED or relation.related_model is ErasureRequest:
            continue
        name = relation.field.name
        if relation.related_model._base_manager.filter(**{name: person.pk}).exists():
            return True
    return False


def _erase(*, person, user, by_user, request):
    with transaction.atomic():
        if person is not None:
            person = Person.objects.select_for_update().get(pk=person.pk)
            user = person.user if user is None else user
        erasure_request = _request_for(person, request, by_user)
        orphaned = [organisation.pk for organisation in sole_represented(user)]
        erasure = personal_data.Erasure.of(person, user, _unique_pseudonym())
        counts = personal_data.erase(erasure)
        counts["data_exports"] = _delete_exports(person, user)
        # Last, so that it also finds what the parts above wrote about the person.
        counts["audit_entries"] = audit.pseudonymise(erasure, keep=namesake_keys(erasure))
        kept = person is not None and _still_counted(person)
        if person is not None:
            # Published outputs drop the person, even the office's copies; the copy still
            # holds the name they must look for.
            announce_consent_withdrawn(copy.copy(person), erased=True)
            if not kept:
                Person.objects.filter(pk=person.pk).delete()
                counts["people"] = 0
                counts["people_deleted"] = 1
        # The record as it is now (the pseudonym), not the one read before.
        erasure_request.person = Person.objects.get(pk=person.pk) if kept else None
        erasure_request.pseudonym = erasure.pseudonym
        erasure_request.status = ErasureRequest.Status.DONE
        erasure_request.completed_at = timezone.now()
        erasure_request.save()
        for kind, count in counts.items():
            ledger.record_removal(
                kind, count, reason=LedgerEntry.Reason.ERASURE, erasure_request=erasure_request
            )
        audit.record(
            by_user,
            AuditEntry.Action.UPDATE,
            erasure_request,
            {"status": [str(Status.PENDING.label), str(Status.DONE.label)]},
            subjects=[person] if kept else [],
        )
        if orphaned:
            transaction.on_commit(lambda: notify_office_task.enqueue(orphaned))
        transaction.on_commit(release_freed_pages)
    return erasure_request


def release_freed_pages():
    """SQLite writes changed pages to its write-ahead log first; the old ones (with the erased
    data) stay in the log file until a checkpoint overwrites them. With secure_delete (on for
    every connection, see settings) freed pages are zeroed; truncating the log after the
    checkpoint leaves no old copy on disk. A full-text (FTS5) index keeps the words of deleted
    entries in its segments until they are merged: merging them all ("optimize") drops them.
    Runs after the commit, after the search index followed the erasure. PostgreSQL keeps no
    personal data in any live row; its autovacuum reclaims the dead ones."""
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"
            )
            for (name,) in cursor.fetchall():
                table = connection.ops.quote_name(name)
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:
        # Readers hold the log: the next checkpoint (SQLite runs them on its own) does it.
        logger.warning("Could not release the pages an erasure freed", exc_info=True)


# The program office is told about organisations left without a representative.


def office_accounts():
    return User.objects.filter(is_active=True, roles__role=Role.PROGRAM_OFFICE).distinct()


def orphaned_messages(organisation_ids):
    organisations = list(
        Organisation.objects.filter(pk__in=organisation_ids).select_related("municipality")
    )
    if not organisations:
        return []
    messages = []
    for account in office_accounts():
        with translation.override(account.language):
            context = {
                "organisations": [
                    (organisation, settings.SITE_URL + organisation.get_absolute_url())
                    for organisation in organisations
                ]
            }
            messages.append(templated_email("privacy/email/orphaned", context, account.email))
    return messages


@task()
def notify_office_task(organisation_ids):
    return send_each(orphaned_messages(organisation_ids), "organisations without representative")
