import pytest
from django.core.files.base import ContentFile

from bruecken.accounts import services as account_services
from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from bruecken.actors import services as actor_services
from bruecken.actors.models import ListingRequest
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.places.models import Country, Language
from bruecken.privacy.models import DataExport
from bruecken.website.models import ContactMessage

NAME = "Amina Okonkwo-Brückner"
EMAIL = "amina.okonkwo@example.net"
PHONE = "+49 228 7654321"


@pytest.fixture
def exports_dir(settings, tmp_path):
    settings.DATA_EXPORT_DIR = str(tmp_path / "exports")
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "exports"


@pytest.fixture
def amina(reference_data, bonn, office, exports_dir):
    """A participant with an account and traces everywhere: written through the services, so
    that the audit log holds her name, address and number as it would in real life."""
    user = UserFactory(email=EMAIL, full_name=NAME)
    RoleAssignmentFactory(user=user, role=Role.PARTICIPANT)
    person = actor_services.create_person(
        office,
        {
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "municipality": bonn,
            "competences": "Übersetzung Igbo, Projektarbeit in Enugu",
            "countries": [Country.objects.get(code="NG")],
            "languages": [Language.objects.get(code="ig")],
        },
    )
    person.user = user
    person.save()
    actor_services.update_person(office, person, {"competences": "Igbo, Haussa"})
    organisation = OrganisationFactory(
        municipality=bonn, name="Igbo Union Bonn e.V.", consent_given_by=NAME
    )
    actor_services.add_membership(office, organisation, {"person": person, "role": "Vorsitz"})
    account_services.invite(office, EMAIL, Role.REPRESENTATIVE, organisation=organisation)
    RoleAssignmentFactory(user=user, role=Role.REPRESENTATIVE, organisation=organisation)
    event = EventFactory(process__municipality=bonn, minutes=f"{NAME} stellte das Projekt vor.")
    RegistrationFactory(event=event, person=person, attended=True)
    ContactMessage.objects.create(
        kind="contact", name=NAME, email=EMAIL, message="Bitte rufen Sie mich an.", language="de"
    )
    ListingRequest.objects.create(
        name="Nigerian Women Bonn",
        kind="migrant_organisation",
        municipality=bonn,
        contact_name=NAME,
        contact_email=EMAIL,
        contact_phone=PHONE,
    )
    export = DataExport.objects.create(user=user, status=DataExport.Status.READY)
    export.file.save("export.zip", ContentFile(f"{NAME} {EMAIL}".encode()))
    person.organisation = organisation
    person.event = event
    person.export_path = export.file.path
    return person


def confirmed_count(event):
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
