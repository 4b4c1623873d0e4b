"""The privacy ledger: what was deleted or anonymised, when and why, for the program office.

Entries hold a kind of data and a count, never content (pretix #2498 asks for exactly this:
an auditable record of what was deleted that itself holds nothing to delete)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bruecken import personal_data

from .models import LedgerEntry


def record_removal(kind, count, *, reason, erasure_request=None):
    """Note that `count` items of `kind` were removed for `reason` (a LedgerEntry.Reason).

    A count of 0 writes nothing, so housekeeping runs that found nothing leave no noise.
    Call it inside the transaction that removed the data, so both stand or fall together."""
    count = int(count or 0)
    if count <= 0:
        return None
    if reason not in LedgerEntry.Reason.values:
        raise ValueError(f"unknown ledger reason: {reason!r}")
    return LedgerEntry.objects.create(
        kind=str(kind)[:60], count=count, reason=reason, erasure_request=erasure_request
    )


# Age bands of the data held: (key, label, lower bound in days, upper bound in days or None).
AGE_BANDS = [
    ("month", _("under a month"), 0, 30),
    ("half_year", _("1 to 6 months"), 30, 182),
    ("year", _("6 to 12 months"), 182, 365),
    ("two_years", _("1 to 2 years"), 365, 730),
    ("older", _("over 2 years"), 730, None),
]


@dataclass
class Held:
    kind: str
    title: str
    total: int
    bands: list  # counts in the order of AGE_BANDS
    undated: int

    @property
    def by_band(self):
        return [
            (label, count)
            for (_key, label, *_rest), count in zip(AGE_BANDS, self.bands, strict=True)
        ]


def _bound(field, days, now):
    instant = now - timedelta(days=days)
    return instant.date() if not isinstance(field, models.DateTimeField) else instant


def held_by_age(now=None):
    """What Brücken holds, per kind of personal data (`personal_data.HELD`) and age band: one
    aggregate query per kind, however many rows."""
    now = now or timezone.now()
    found = []
    for kind, (title, rows, date_field) in personal_data.HELD.items():
        queryset = rows()
        field = queryset.model._meta.get_field(date_field)
        counts = {
            "total": Count("pk"),
            "undated": Count("pk", filter=Q(**{f"{date_field}__isnull": True})),
        }
        for key, _label, younger, older in AGE_BANDS:
            condition = Q(**{f"{date_field}__lte": _bound(field, younger, now)})
            if older is not None:
                condition &= Q(**{f"{date_field}__gt": _bound(field, older, now)})
            counts[key] = Count("pk", filter=condition)
        figures = queryset.order_by().aggregate(**counts)
        found.append(
            Held(
                kind=kind,
                title=str(title),
                total=figures["total"],
                bands=[figures[key] for key, *_rest in AGE_BANDS],
                undated=figures["undated"],
            )
        )
    return found


# What the kinds of data the erasure and the housekeeping note are called on the ledger page;
# an unknown kind shows its key.
KIND_LABELS = {
    "people": _("person records pseudonymised"),
    "people_deleted": _("person records deleted"),
    "accounts": _("user accounts closed"),
    "roles": _("roles"),
    "second_factors": _("second factors"),
    "account_invitations": _("invitations to an account"),
    "admin_log": _("admin log entries"),
    "audit_entries": _("audit entries pseudonymised"),
    "memberships": _("memberships (role removed)"),
    "listing_requests": _("listing requests"),
    "organisations": _("organisations (contact details)"),
    "registrations": _("registrations pseudonymised"),
    "unconfirmed_registrations": _("unconfirmed registrations"),
    "minutes": _("minutes"),
    "contact_messages": _("contact messages"),
    "api_tokens": _("API tokens"),
    "import_values": _("import runs (values)"),
    "import_uploads": _("import uploads"),
    "data_exports": _("data exports"),
    "inactive_people": _("people without activity"),
    "expired_invitations": _("expired invitations"),
    "data_links": _("personal links in e-mails"),
    "introduction_addresses": _("addresses in answers to introductions"),
}


def kind_label(kind):
    label = KIND_LABELS.get(kind)
    if label is None and kind in personal_data.HELD:
        label = personal_data.HELD[kind][0]
    return str(label) if label is not None else kind.replace("_", " ")


def removals():
    """The ledger, newest first, with the erasure request each entry belongs to."""
    return LedgerEntry.objects.select_related("erasure_request").order_by("-at", "-id")
