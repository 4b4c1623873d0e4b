"""The privacy policy states the retention periods and the rights from the same settings the
housekeeping and the privacy pages apply: change a setting, and the page changes with it."""

import re

import pytest

from bruecken.tests.helpers import url_maker
from bruecken.website.models import Page
from bruecken.website.tests.factories import PageFactory

pytestmark = pytest.mark.usefixtures("language_reset")
url = url_maker(None, language="de")


def policy(client, language):
    response = client.get(url("website:privacy", language=language))
    assert response.status_code == 200
    return response.content.decode()


def periods_table(content):
    return content.split('id="retention"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    "language, expected",
    [
        ("de", ["180 Tage", "7 Tage", "24 Monate", "90 Tage", "48 Stunden", "Art. 77 DSGVO"]),
        ("en", ["180 days", "7 days", "24 months", "90 days", "48 hours", "Art. 77 GDPR"]),
    ],
)
def test_states_the_periods_and_rights(client, db, language, expected):
    PageFactory(purpose=Page.Purpose.PRIVACY, title="Datenschutzerklärung", body="Unser Text.")
    content = policy(client, language)
    assert "Unser Text." in content
    for text in expected:
        assert text in content, text
    rights = content.split('id="rights"')[1].split("</section>")[0]
    for article in ("15", "20", "16", "17", "18", "21", "7", "77"):
        assert re.search(rf"Art\. [^)]*\b{article}", rights), article
    assert url("privacy:my_data", language=language) in rights


def test_a_changed_setting_changes_the_page(client, db, settings):
    content = periods_table(policy(client, "en"))
    assert "180 days" in content and "7 days" in content
    settings.CONTACT_MESSAGE_RETENTION_DAYS = 30
    settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS = 2
    settings.RETENTION_INACTIVE_PERSON_MONTHS = 1
    settings.GUEST_DATA_LINK_DAYS = 14
    settings.RETENTION_INTRODUCTION_ADDRESS_DAYS = 60
    content = policy(client, "en")
    table = periods_table(content)
    assert "180 days" not in table and "30 days" in table and "60 days" in table
    assert "2 days" in table
    assert "1 month" in table
    assert "The link works for 14 days." in content


def test_shown_before_the_office_has_written_its_text(client, db):
    content = policy(client, "en")
    assert "<h1" in content and "Privacy policy" in content
    assert "How long we keep data" in content
