"""Demo accounts: one per role, all with the password "demo". Only for DEBUG installations."""

from django.db import transaction

from bruecken.actors.models import Organisation, OrganisationKind, Person
from bruecken.places.models import Municipality

from .models import Role, RoleAssignment, User

DEMO_PASSWORD = "demo"  # noqa: S105 – documented demo password, refused without DEBUG
DOMAIN = "demo.bruecken.de"
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


@transaction.atomic
def create_demo_accounts():
    """Create or refresh the demo accounts; returns (e-mail, role) pairs to print."""
    accounts = []
    office = f"office@{DOMAIN}"
    _account(office, "Programmbüro (Demo)", Role.PROGRAM_OFFICE, is_staff=True)
    accounts.append((office, str(Role.PROGRAM_OFFICE.label)))
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
    person = Person.objects.filter(is_demo=True, user__isnull=True).order_by("pk").first()
    if person and not hasattr(participant, "person"):
        person.user = participant
        person.save(update_fields=["user"])
    accounts.append((email, str(Role.PARTICIPANT.label)))
    return accounts
