"""A person in the registry and their user account: linked when an invitation is accepted (the
person with the invited address, or a new one), and by staff on the person's page."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.accounts.models import Role, User
from bruecken.permissions import require

from .models import Person

LINK_FIELDS = ["user"]


def link_on_acceptance(sender, invitation, user, **kwargs):
    """Receiver of `accounts.signals.invitation_accepted`, inside its transaction: the account
    gets the unlinked person of its address, or a new person (placed where the role is)."""
    if Person.objects.filter(user=user).exists():
        return
    person = (
        Person.objects.select_for_update()
        .filter(email__iexact=user.email, user__isnull=True)
        .order_by("pk")
        .first()
    )
    if person is None:
        municipality = invitation.municipality
        if municipality is None and invitation.role == Role.REPRESENTATIVE:
            municipality = invitation.organisation.municipality
        person = Person(
            name=user.full_name or user.email.split("@")[0],
            email=user.email,
            municipality=municipality,
            language=user.language,
        )
        fields = ["name", "email", "municipality", "language", "user"]
    else:
        fields = LINK_FIELDS
    with audit.changes(user, person, fields, subjects=[user]):
        person.user = user
        person.full_clean(exclude=["user"])
        person.save()


@transaction.atomic
def link_account(user, person, email):
    """Link `person` to the account of `email` (one account per person, one person per account)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(user, "actors.link_account", person)
    if person.user_id:
        raise ValidationError(_("This person is linked to an account already; unlink it first."))
    account = User.objects.filter(email__iexact=(email or "").strip()).first()
    if account is None:
        raise ValidationError({"email": _("There is no account with this address.")})
    if Person.objects.filter(user=account).exists():
        raise ValidationError({"email": _("This account is linked to another person.")})
    with audit.changes(user, person, LINK_FIELDS, subjects=[account]):
        person.user = account
        person.save(update_fields=["user"])
    return person


@transaction.atomic
def unlink_account(user, person):
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(user, "actors.link_account", person)
    if person.user_id is None:
        raise ValidationError(_("This person is not linked to an account."))
    with audit.changes(user, person, LINK_FIELDS, subjects=[person.user]):
        person.user = None
        person.save(update_fields=["user"])
    return person
