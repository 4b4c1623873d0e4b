"""Retention periods: how long each kind of personal data is kept, read from the settings in one
place, so that the housekeeping that deletes and the privacy policy that tells cannot disagree.

Each housekeeping step deletes what is past its period and notes the count and kind (never the
content) in the privacy ledger, in the same transaction. The steps live with the data: here for
people, account invitations and data links; in events for unconfirmed registrations; in website
and transfer for contact messages and uploads (wrapped by `ledgered`). Whether a person without
an account was active lately is asked of every app holding their activity (`register_activity`),
since privacy cannot import the apps above it."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.accounts.models import AccountInvitation
from bruecken.actors.models import Membership, Person

from . import ledger
from .models import ErasureRequest, LedgerEntry

logger = logging.getLogger(__name__)
RETENTION = LedgerEntry.Reason.RETENTION


def _days(count):
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def _hours(count):
    return ngettext("%(count)s hour", "%(count)s hours", count) % {"count": count}


def _months(count):
    return ngettext("%(count)s month", "%(count)s months", count) % {"count": count}


@dataclass(frozen=True)
class Period:
    kind: str  # the ledger's kind of data
    what: str  # which data, translated
    kept: str  # how long, translated: "7 days"
    detail: str  # counted from when, translated


def periods():
    """The retention periods as the privacy policy states them, in the active language, from
    the same settings the housekeeping applies."""
    return [
        Period(
            "unconfirmed_registrations",
            _("Registrations for an event without an account that were not confirmed"),
            _days(settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS),
            _(
                "from the registration; the confirmation link itself works for %(hours)s. "
                "A confirmed registration is kept as long as the person's entry."
            )
            % {"hours": _hours(settings.PUBLIC_REGISTRATION_LINK_HOURS)},
        ),
        Period(
            "inactive_people",
            _(
                "Entries of people without an account (name, contact details, registrations, "
                "attendance)"
            ),
            _months(settings.RETENTION_INACTIVE_PERSON_MONTHS),
            _(
                "after their last activity: a current membership, a registration, an "
                "invitation, attendance or a change to the entry. Then the entry is erased; "
                "where a number must stay (participant counts), a pseudonym takes its place."
            ),
        ),
        Period(
            "contact_messages",
            _("Messages from the contact form and accessibility feedback"),
            _days(settings.CONTACT_MESSAGE_RETENTION_DAYS),
            _("from their arrival"),
        ),
        Period(
            "import_uploads",
            _("Uploaded spreadsheets for an import, and the values kept for their preview"),
            _hours(settings.TRANSFER_UPLOAD_RETENTION_HOURS),
            _("from the last step of the import; a finished import's file at once"),
        ),
        Period(
            "account_invitations",
            _("Invitations to an account that were not accepted (e-mail address and role)"),
            _days(settings.RETENTION_EXPIRED_INVITATION_DAYS),
            _("after they expired or were withdrawn"),
        ),
        Period(
            "introduction_addresses",
            _("E-mail addresses that an introduction's answer link was sent to"),
            _days(settings.RETENTION_INTRODUCTION_ADDRESS_DAYS),
            _("after the answer or the link's expiry; the answer itself is kept"),
        ),
        Period(
            "data_links",
            _("Personal links in our e-mails to see, download and delete your data"),
            _days(settings.GUEST_DATA_LINK_DAYS),
            _("from the e-mail; then the link stops working and is deleted"),
        ),
    ]


def ledgered(kind, step):
    """A housekeeping step of another app that deletes `kind` past its period, with its count
    noted in the privacy ledger in the same transaction."""

    def run(now=None):
        with transaction.atomic():
            count = step(now=now)
            ledger.record_removal(kind, count, reason=RETENTION)
        return count

    run.__name__ = getattr(step, "__name__", kind)
    return run


# Activity of people kept by the apps above privacy: name -> function(since) returning a Q on
# Person that holds for the people active since then.
ACTIVITY = {}


def register_activity(name, recent):
    ACTIVITY[name] = recent


def inactive_since(now=None):
    now = now or timezone.now()
    return now - relativedelta(months=settings.RETENTION_INACTIVE_PERSON_MONTHS)


def inactive_people(now=None):
    """People without an account and without activity since the retention period began: no
    change to their entry, no current or recent membership, nothing any app counts as
    activity (registrations, invitations, attendance)."""
    since = inactive_since(now)
    recent_membership = Membership.objects.filter(person=OuterRef("pk")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=since.date())
    )
    # Erased already (the pseudonymous record some counts keep), or waiting for the office.
    erasure = ErasureRequest.objects.filter(person=OuterRef("pk"))
    people = Person.objects.filter(user__isnull=True, updated_at__lt=since).exclude(
        Exists(recent_membership) | Exists(erasure)
    )
    for recent in ACTIVITY.values():
        people = people.exclude(recent(since))
    return people


def _retention_note():
    # Stored once, read by everyone: in the site's language, like the pseudonym.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased by the housekeeping: no activity for %(months)s.") % {
            "months": _months(settings.RETENTION_INACTIVE_PERSON_MONTHS)
        }


def delete_inactive_people(now=None, limit=200):
    """Housekeeping: erase people without an account inactive for longer than
    RETENTION_INACTIVE_PERSON_MONTHS, through the same erasure a request would run (everything
    in one transaction per person; a pseudonym keeps the counts). `limit` per run keeps one run
    short; the next run takes the rest. Returns how many were erased."""
    from .erasure import erase_person

    erased = 0
    for person in inactive_people(now).order_by("pk")[:limit]:
        try:
            with transaction.atomic():
                # Asked again under the lock: something may have happened in between.
                if not inactive_people(now).filter(pk=person.pk).exists():
                    continue
                erasure_request = erase_person(person, by_user=None)
                # Nobody asked: the retention period did. The request record and its ledger
                # entries say so.
                erasure_request.by_the_person = False
                erasure_request.note = _retention_note()
                erasure_request.save(update_fields=["by_the_person", "note"])
                LedgerEntry.objects.filter(erasure_request=erasure_request).update(reason=RETENTION)
                ledger.record_removal(
                    "inactive_people", 1, reason=RETENTION, erasure_request=erasure_request
                )
        except Exception:
            logger.exception("Could not erase inactive person %s", person.pk)
            continue
        erased += 1
    return erased


def delete_expired_invitations(now=None):
    """Housekeeping: delete invitations to an account that were not accepted, once
    RETENTION_EXPIRED_INVITATION_DAYS have passed since they expired or were withdrawn. Returns
    how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION_EXPIRED_INVITATION_DAYS)
    with transaction.atomic():
        old = AccountInvitation.objects.filter(accepted_at__isnull=True).filter(
            Q(revoked_at__lt=cutoff) | Q(revoked_at__isnull=True, expires_at__lt=cutoff)
        )
        count, _rows = old.delete()
        ledger.record_removal("account_invitations", count, reason=RETENTION)
    return count
