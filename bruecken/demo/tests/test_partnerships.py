"""The demo's partnership profiles: Leipzig's Ethiopian organisations come first for its
partnership with Addis Abeba, entered through the services, and a second run changes nothing."""

import pytest

from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import Organisation
from bruecken.demo.partnerships import CARRIER, create_demo_partnerships
from bruecken.demo.registry import create_demo_data
from bruecken.partnerships import matching
from bruecken.partnerships.models import PartnershipProfile
from bruecken.places.models import Partnership

pytestmark = pytest.mark.django_db


def test_leipzigs_ethiopian_organisations_first_and_idempotent(reference_data):
    create_demo_data()
    create_demo_partnerships()
    entries = AuditEntry.objects.count()
    create_demo_partnerships()
    assert AuditEntry.objects.count() == entries
    assert Organisation.objects.filter(name=CARRIER).count() == 1
    assert PartnershipProfile.objects.count() == 1

    addis = Partnership.objects.get(municipality__ags="14713000", partner_name="Addis Abeba")
    assert addis.profile.carried_by.name == CARRIER
    coordinator = user_with_role(Role.COORDINATOR, municipality=addis.municipality)
    first, second, *_rest = matching.suggestions_for_partnership(addis, coordinator)
    for suggestion in (first, second):
        assert suggestion.reach == "municipality"
        assert suggestion.organisation.countries.filter(code="ET").exists()
        assert "Äthiop" in suggestion.organisation.name
