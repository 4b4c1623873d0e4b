"""The public municipality page shows each partnership's status."""

import pytest
from django.urls import reverse
from django.utils import translation

from bruecken.places.models import PartnershipStatus
from bruecken.places.tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "label"), [("de", "Ruhend"), ("en", "Dormant")])
def test_the_municipality_page_shows_the_status(client, program, bonn, language, label):
    # The page is there for municipalities in a program.
    PartnershipFactory(municipality=bonn, partner_name="Ruheort", status=PartnershipStatus.DORMANT)
    with translation.override(language):
        address = reverse("website:municipality", args=[bonn.pk])
    html = client.get(address).content.decode()
    row = html.split("Ruheort", 1)[1].split("</tr>", 1)[0]
    assert f"<td>{label}</td>" in row
