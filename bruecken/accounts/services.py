"""Every change to accounts, their roles and invitations to them: rule check, transaction, audit
entry; the invitation e-mails leave after the commit.

An invitation's link carries a random token; only its hash is stored, so that whoever reads the
database cannot accept one. Accepting is bound to the invited address: it creates the account
of that address (or, when one exists, needs its owner signed in), and nobody signed in as
someone else can accept it."""

import logging
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bruecken.mail import NotSent, privacy_footer, send_each, templated_email
from bruecken.permissions import require
from bruecken.tokens import hash_token, new_token

from . import audit
from .models import AccountInvitation, AuditEntry, Role, RoleAssignment, User
from .signals import invitation_accepted

logger = logging.getLogger(__name__)

# The roles one may be invited to (a participant needs no invitation: they register).
INVITABLE_ROLES = [Role.PROGRAM_OFFICE, Role.COORDINATOR, Role.FACILITATOR, Role.REPRESENTATIVE]
MUNICIPALITY_ROLES = {Role.COORDINATOR, Role.FACILITATOR}
ROLE_FIELDS = ["user", "role", "municipality", "organisation"]
INVITATION_FIELDS = [
    "email",
    "role",
    "municipality",
    "organisation",
    "language",
    "expires_at",
    "accepted_at",
    "accepted_by",
    "revoked_at",
]
# What may still be sent again or revoked.
OPEN = (AccountInvitation.Status.PENDING, AccountInvitation.Status.EXPIRED)
ACCOUNT_FIELDS = ["email", "full_name", "language", "is_active"]


class InvitationUnusable(Exception):
    """The link cannot be used (any more). `reason`: unknown, accepted, revoked, expired,
    other_account (someone else is signed in) or sign_in (the address has an account, whose
    owner must sign in first)."""

    def __init__(self, reason, invitation=None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def invitation_days():
    return settings.ACCOUNT_INVITATION_DAYS


def normalize_email(email):
    return User.objects.normalize_email((email or "").strip()).lower()


def _subjects(target):
    """What a role or an invitation is filed under besides itself: the account, the scope."""
    return [getattr(target, "user", None), target.municipality, target.organisation]


def check_scope(target):
    """A role needs its scope and no other: a municipality for coordinators and facilitators,
    an organisation for representatives, none for the rest."""
    if target.role in MUNICIPALITY_ROLES:
        if not target.municipality_id:
            raise ValidationError({"municipality": _("This role needs a municipality.")})
        target.organisation = None
    elif target.role == Role.REPRESENTATIVE:
        if not target.organisation_id:
            raise ValidationError({"organisation": _("This role needs an organisation.")})
        target.municipality = None
    else:
        target.municipality = None
        target.organisation = None


def _holds(account, target):
    return account.roles.filter(
        role=target.role,
        municipality_id=target.municipality_id,
        organisation_id=target.organisation_id,
    ).exists()


# Invitations


def _new_link(invitation, now):
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=invitation_days())
    return token


def accept_url(token, language):
    with translation.override(language):
        return settings.SITE_URL + reverse("invitations:accept", args=[token])


def build_invitation_email(invitation, token):
    """The e-mail, in the invitee's language. Built while the token is known: it is stored
    nowhere else."""
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "role": invitation.scope_label(),
            "inviter": invitation.invited_by,
            "url": accept_url(token, invitation.language),
            "expires_at": timezone.localtime(invitation.expires_at),
            "site_url": settings.SITE_URL,
        }
        # No account yet: what is kept of the invitation, and the privacy policy.
        return templated_email(
            "accounts/invitations/email/invitation",
            context,
            invitation.email,
            footer=privacy_footer(),
        )


def _send_after_commit(invitation, token):
    message = build_invitation_email(invitation, token)

    def send():
        # A failure is logged by send_each; staff see the invitation pending and send it again.
        with suppress(NotSent):
            send_each([message], f"account invitation {invitation.pk}")

    transaction.on_commit(send)


@transaction.atomic
def invite(user, email, role, municipality=None, organisation=None, language=None):
    """Invite `email` to `role` (in `municipality` or for `organisation`) and send the link."""
    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": _("One cannot be invited to this role.")})
    invitation = AccountInvitation(
        email=normalize_email(email),
        role=role,
        municipality=municipality,
        organisation=organisation,
        language=language or settings.LANGUAGE_CODE,
        invited_by=user if user is not None and user.is_authenticated else None,
    )
    check_scope(invitation)
    require(user, "accounts.manage_invitation", invitation)
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is not None and not account.is_active:
        raise ValidationError(
            {"email": _("The account of this address is deactivated; activate it first.")}
        )
    if account is not None and _holds(account, invitation):
        raise ValidationError({"email": _("This address already holds this role.")})
    if (
        AccountInvitation.objects.pending()
        .filter(
            email=invitation.email,
            role=invitation.role,
            municipality_id=invitation.municipality_id,
            organisation_id=invitation.organisation_id,
        )
        .exists()
    ):
        raise ValidationError(
            {
                "email": _(
                    "This address is already invited to this role: send that invitation again."
                )
            }
        )
    token = _new_link(invitation, timezone.now())
    with audit.changes(user, invitation, INVITATION_FIELDS, subjects=_subjects(invitation)):
        invitation.full_clean(exclude=["token_hash", "invited_by", "accepted_by"])
        invitation.save()
    _send_after_commit(invitation, token)
    return invitation


def _locked(invitation):
    return AccountInvitation.objects.select_for_update().get(pk=invitation.pk)


@transaction.atomic
def resend(user, invitation):
    """A new link (the old one stops working) with a new expiry, by e-mail again."""
    invitation = _locked(invitation)
    require(user, "accounts.manage_invitation", invitation)
    if invitation.status() not in (
        AccountInvitation.Status.PENDING,
        AccountInvitation.Status.EXPIRED,
    ):
        raise ValidationError(
            _("This invitation was accepted or revoked; it cannot be sent again.")
        )
    with audit.changes(user, invitation, INVITATION_FIELDS, subjects=_subjects(invitation)):
        token = _new_link(invitation, timezone.now())
        invitation.save()
    _send_after_commit(invitation, token)
    return invitation


@transaction.atomic
def revoke(user, invitation):
    """The link stops working; the invitation stays in the list as revoked."""
    invitation = _locked(invitation)
    require(user, "accounts.manage_invitation", invitation)
    if invitation.status() not in (
        AccountInvitation.Status.PENDING,
        AccountInvitation.Status.EXPIRED,
    ):
        raise ValidationError(_("This invitation was accepted or revoked already."))
    with audit.changes(user, invitation, INVITATION_FIELDS, subjects=_subjects(invitation)):
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def usable_invitation(token, signed_in=None, now=None, lock=False):
    """The invitation the link `token` stands for, if it can be accepted by `signed_in` (the
    user of the request); else InvitationUnusable. Changes nothing."""
    queryset = AccountInvitation.objects.select_related("municipality", "organisation")
    if lock:
        queryset = AccountInvitation.objects.select_for_update()
    token = str(token or "")
    invitation = queryset.filter(token_hash=hash_token(token)).first() if len(token) < 200 else None
    if invitation is None:
        raise InvitationUnusable("unknown")
    status = invitation.status(now)
    if status != AccountInvitation.Status.PENDING:
        raise InvitationUnusable(str(status), invitation)
    signed_in = signed_in if signed_in is not None and signed_in.is_authenticated else None
    if signed_in is not None and signed_in.email.lower() != invitation.email:
        raise InvitationUnusable("other_account", invitation)
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is not None and signed_in is None:
        raise InvitationUnusable("sign_in", invitation)
    if account is not None and not account.is_active:
        raise InvitationUnusable("revoked", invitation)
    return invitation


@transaction.atomic
def accept(token, password=None, full_name="", signed_in=None):
    """Accept the invitation: the invited address's account (created with `password` when it
    has none), the role, and the link to its person in the registry (`invitation_accepted`).
    Returns the account. Raises InvitationUnusable or, for the password, ValidationError."""
    invitation = usable_invitation(token, signed_in, lock=True)
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is None:
        account = User(
            email=invitation.email,
            full_name=" ".join((full_name or "").split())[:200],
            language=invitation.language,
        )
        password_validation.validate_password(password, account)
        with audit.changes(account, account, ACCOUNT_FIELDS):
            account.set_password(password)
            account.save()
    assignment = RoleAssignment(
        user=account,
        role=invitation.role,
        municipality=invitation.municipality,
        organisation=invitation.organisation,
    )
    if not _holds(account, assignment):
        _save_assignment(account, assignment)
    with audit.changes(account, invitation, INVITATION_FIELDS, subjects=_subjects(invitation)):
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = account
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    invitation_accepted.send(sender=AccountInvitation, invitation=invitation, user=account)
    return account


# Roles and accounts


def _save_assignment(user, assignment):
    with audit.changes(user, assignment, ROLE_FIELDS, subjects=_subjects(assignment)):
        assignment.save()
    if hasattr(assignment.user, "_roles_cache"):
        del assignment.user._roles_cache
    return assignment


@transaction.atomic
def grant_role(user, account, role, municipality=None, organisation=None):
    assignment = RoleAssignment(
        user=account, role=role, municipality=municipality, organisation=organisation
    )
    check_scope(assignment)
    require(user, "accounts.assign_role", assignment)
    if not account.is_active:
        raise ValidationError(_("This account is deactivated."))
    if _holds(account, assignment):
        raise ValidationError(_("The account already holds this role."))
    return _save_assignment(user, assignment)


def _last_program_office(assignment):
    if assignment.role != Role.PROGRAM_OFFICE:
        return False
    others = RoleAssignment.objects.filter(role=Role.PROGRAM_OFFICE, user__is_active=True).exclude(
        pk=assignment.pk
    )
    return not others.exists()


@transaction.atomic
def revoke_role(user, assignment):
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    require(user, "accounts.assign_role", assignment)
    if _last_program_office(assignment):
        raise ValidationError(_("The last account of the program office keeps its role."))
    audit.deleted(user, assignment, ROLE_FIELDS, subjects=_subjects(assignment))
    assignment.delete()


@transaction.atomic
def set_active(user, account, active):
    """Deactivate an account (it can no longer sign in; its sessions end, its roles no longer
    count) or activate it again."""
    account = User.objects.select_for_update().get(pk=account.pk)
    require(user, "accounts.deactivate_user", account)
    with audit.changes(user, account, ["is_active"]):
        account.is_active = bool(active)
        account.save(update_fields=["is_active"])
    return account


def record_role_change(user, before, after):
    """Audit a role assignment changed elsewhere (the Django admin): `before` as it was (None
    when new), `after` as it is now (None when deleted)."""
    if before is None and after is not None:
        audit.record(
            user,
            AuditEntry.Action.CREATE,
            after,
            audit.diff({}, audit.snapshot(after, ROLE_FIELDS)),
            subjects=_subjects(after),
        )
    elif after is None and before is not None:
        audit.deleted(user, before, ROLE_FIELDS, subjects=_subjects(before))
    elif before is not None:
        found = audit.diff(audit.snapshot(before, ROLE_FIELDS), audit.snapshot(after, ROLE_FIELDS))
        if found:
            audit.record(user, AuditEntry.Action.UPDATE, after, found, subjects=_subjects(after))
