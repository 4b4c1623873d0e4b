"""Demo accounts: one per role, all with the password "demo". Only for DEBUG installations.

Written directly: there is no service for creating accounts and role assignments yet."""

from django.db import transaction

from bruecken.accounts import roles
from bruecken.accounts.models import Role, RoleAssignment, User
from bruecken.actors.models import Membership, Organisation, OrganisationKind, Person
from bruecken.places.models import Municipality

DEMO_PASSWORD = "demo"  # noqa: S105 – documented demo password, refused without DEBUG
DOMAIN = "demo.bruecken.de"
OFFICE_EMAIL = f"office@{DOMAIN}"
OFFICE_NAME = "Programmbüro (Demo)"
COORDINATORS = {
    "bonn": "05314000",
    "kiel": "01002000",
    "leipzig": "14713000",
    "muenchen": "09162000",
    "dueren": "05358",
}


def _account(email, full_name, role, is_staff=False, **scope):
    user, _created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "is_staff": is_staff}
    )
    user.full_name = full_name
    user.is_staff = is_staff
    user.is_superuser = is_staff
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
    return user


def demo_office():
    """The demo program office, which the demo acts as: made (or put right) when missing."""
    user = User.objects.filter(email=OFFICE_EMAIL).first()
    if user is None or not roles.is_program_office(user):
        user = _account(OFFICE_EMAIL, OFFICE_NAME, Role.PROGRAM_OFFICE, is_staff=True)
    return User.objects.get(pk=user.pk)  # fresh: no cached roles


@transaction.atomic
def create_demo_accounts():
    """Create or refresh the demo accounts; returns (e-mail, role) pairs to print."""
    accounts = []
    _account(OFFICE_EMAIL, OFFICE_NAME, Role.PROGRAM_OFFICE, is_staff=True)
    accounts.append((OFFICE_EMAIL, str(Role.PROGRAM_OFFICE.label)))
    for slug, ags in COORDINATORS.items():
        municipality = Municipality.objects.get(ags=ags)
        email = f"coordinator.{slug}@{DOMAIN}"
        _account(
            email,
            f"Koordination {municipality.name} (Demo)",
            Role.COORDINATOR,
            municipality=municipality,
        )
        accounts.append((email, f"{Role.COORDINATOR.label}: {municipality.name}"))
    bonn = Municipality.objects.get(ags=COORDINATORS["bonn"])
    email = f"facilitator@{DOMAIN}"
    _account(email, "Moderation (Demo)", Role.FACILITATOR, municipality=bonn)
    accounts.append((email, f"{Role.FACILITATOR.label}: {bonn.name}"))
    organisation = (
        Organisation.objects.filter(
            municipality=bonn, kind=OrganisationKind.MIGRANT_ORGANISATION, is_demo=True
        )
        .order_by("pk")
        .first()
    )
    if organisation:
        email = f"representative@{DOMAIN}"
        _account(email, "Vertretung (Demo)", Role.REPRESENTATIVE, organisation=organisation)
        accounts.append((email, f"{Role.REPRESENTATIVE.label}: {organisation.name}"))
    email = f"participant@{DOMAIN}"
    participant = _account(email, "Teilnehmerin (Demo)", Role.PARTICIPANT)
    # Someone shown as a member of a public organisation, so that withdrawing that consent
    # on "Meine Daten" visibly changes the organisation's public profile.
    unlinked = Person.objects.filter(is_demo=True, user__isnull=True).order_by("pk")
    person = (
        unlinked.filter(pk__in=Membership.objects.current().public().values("person_id")).first()
        or unlinked.first()
    )
    if person and not hasattr(participant, "person"):
        person.user = participant
        person.save(update_fields=["user"])
    accounts.append((email, str(Role.PARTICIPANT.label)))
    return accounts
