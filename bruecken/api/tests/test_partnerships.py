"""The partnerships' status in the API: shown on each row, and a filter."""

import pytest

from bruecken.places.models import Partnership, PartnershipStatus
from bruecken.places.tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_status_is_shown_and_filtered(anonymous, bonn):
    Partnership.objects.filter(municipality=bonn).delete()
    PartnershipFactory(municipality=bonn, partner_name="Aktivort")
    PartnershipFactory(municipality=bonn, partner_name="Ruheort", status=PartnershipStatus.DORMANT)
    response = anonymous.get("/partnerships", {"municipality": bonn.pk})
    rows = {row["partner_name"]: row for row in response.json()["results"]}
    # The API speaks English.
    assert (rows["Ruheort"]["status"], rows["Ruheort"]["status_label"]) == ("dormant", "dormant")
    assert rows["Aktivort"]["status"] == "active"
    dormant = anonymous.get("/partnerships", {"municipality": bonn.pk, "status": "dormant"})
    assert [row["partner_name"] for row in dormant.json()["results"]] == ["Ruheort"]


@pytest.mark.parametrize("status", ["asleep", "\x00", "x" * 10_000, "1"])
def test_an_unknown_status_is_a_clear_error(anonymous, status):
    response = anonymous.get("/partnerships", {"status": status})
    assert response.status_code in (400, 422)
