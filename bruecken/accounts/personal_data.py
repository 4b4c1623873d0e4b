"""What accounts holds about a person (bruecken/personal_data.py): their account, roles,
account invitations sent to their address, and the audit entries about them and by them."""

import secrets

from django.contrib.admin.models import LogEntry
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from bruecken.personal_data import by_address, section

from .audit import subject_key
from .models import AccountInvitation, AuditEntry, RoleAssignment, User


def collect_account(person, user):
    if user is None:
        return None
    return section(
        "account",
        _("User account"),
        [user],
        ["email", "full_name", "language", "is_active", "date_joined", "last_login"],
    )


def collect_roles(person, user):
    if user is None:
        return None
    assignments = RoleAssignment.objects.filter(user=user).select_related(
        "municipality", "organisation"
    )
    return section("roles", _("Roles"), assignments, ["role", "municipality", "organisation"])


def collect_account_invitations(person, user):
    found = by_address("email", person, user)
    if found is None:
        return None
    invitations = AccountInvitation.objects.filter(found).select_related(
        "municipality", "organisation"
    )
    return section(
        "account_invitations",
        _("Invitations to an account"),
        invitations,
        ["email", "role", "municipality", "organisation", "created_at", "expires_at"],
        extra=[("state", _("status"), lambda i: str(i.get_status_display()))],
    )


def _subjects(person, user):
    return [subject_key(obj) for obj in (person, user) if obj is not None]


AUDIT_FIELDS = ["at", "action", "object_type", "object_repr"]
AUDIT_EXTRA = [
    ("by", _("by"), lambda entry: str(entry.user) if entry.user_id else ""),
    ("changes", _("changes"), lambda entry: entry.changes),
]


def about(person, user):
    """The audit entries that concern the person or their account."""
    return AuditEntry.objects.filter(subjects__key__in=_subjects(person, user)).distinct()


def collect_audit_about(person, user):
    entries = about(person, user).select_related("user").order_by("-at", "-id")
    return section(
        "audit_about", _("Changes recorded about you"), entries, AUDIT_FIELDS, AUDIT_EXTRA
    )


def collect_audit_by(person, user):
    if user is None:
        return None
    entries = (
        AuditEntry.objects.filter(user=user)
        .exclude(Q(subjects__key__in=_subjects(person, user)))
        .order_by("-at", "-id")
    )
    # What they changed, not the values: those are about others (Art. 15(4)), whom staff
    # see in the history of each record.
    return section("audit_by", _("Changes you made"), entries, AUDIT_FIELDS)


def erase_account(erasure):
    """The account stays as an inactive row named by the pseudonym (so that what it did keeps
    its author in the audit and elsewhere), with an address that is no one's and no usable
    password: nobody signs in to it again, and changing the password hash ends its sessions.
    Its roles and second factors go; invitations to the person's addresses are deleted."""
    counts = {
        "account_invitations": AccountInvitation.objects.filter(email__in=erasure.emails).delete()[
            0
        ],
        "admin_log": _erase_admin_log(erasure),
    }
    user = erasure.user
    if user is not None:
        account = User.objects.select_for_update().get(pk=user.pk)
        account.email = f"erased-{secrets.token_hex(8)}@erased.invalid"
        account.full_name = erasure.pseudonym
        account.set_unusable_password()
        account.is_active = account.is_staff = account.is_superuser = False
        account.last_login = None
        account.save()
        account.groups.clear()
        account.user_permissions.clear()
        counts["accounts"] = 1
        counts["roles"] = RoleAssignment.objects.filter(user=account).delete()[0]
        counts["second_factors"] = (
            TOTPDevice.objects.filter(user=account).delete()[0]
            + StaticDevice.objects.filter(user=account).delete()[0]
        )
    return counts


def _erase_admin_log(erasure):
    """The Django admin's own log names the objects it changed: the person's name goes there
    too, like in the audit."""
    changed = []
    mentioning = erasure.found_in("object_repr", json=["change_message"])
    for entry in LogEntry.objects.filter(mentioning).iterator():
        entry.object_repr = erasure.scrub(entry.object_repr)[:200]
        entry.change_message = erasure.scrub(entry.change_message)
        changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["object_repr", "change_message"])
    return len(changed)


# What the privacy ledger counts by age here: (kind, title, rows, the date their age counts from).
HELD = [
    ("accounts", _("User accounts"), lambda: User.objects.filter(is_active=True), "date_joined"),
    (
        "account_invitations",
        _("Invitations to an account"),
        lambda: AccountInvitation.objects.all(),
        "created_at",
    ),
    ("audit_entries", _("Audit entries"), lambda: AuditEntry.objects.all(), "at"),
]
