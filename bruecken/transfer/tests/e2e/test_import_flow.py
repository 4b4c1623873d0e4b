"""Upload → columns → preview with problems → corrected file → import, in the browser, with
axe-core checking each page."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import Organisation
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.testing_browser import assert_accessible

pytestmark = pytest.mark.e2e

HEADER = "Name;Art;Kommune;Länder;Gründungsjahr\r\n"


def csv_file(lines):
    data = (HEADER + "".join(f"{line}\r\n" for line in lines)).encode("cp1252")
    return {"name": "vereine.csv", "mimeType": "text/csv", "buffer": data}


@pytest.fixture
def office(reference_data, live_server):
    MunicipalityFactory(name="Bonn", ags="05314000")
    return user_with_role(Role.PROGRAM_OFFICE)


def upload(page, live_server, lines):
    with translation.override("en"):
        page.goto(live_server.url + reverse("transfer:index"))
    page.get_by_label("What does the file contain?").select_option("organisations")
    page.locator("input[type=file]").set_input_files(csv_file(lines))
    page.get_by_label("update the existing entry from the row").check()
    page.get_by_role("button", name="Upload and assign columns").click()
    expect(page.get_by_role("heading", name="Assign the columns")).to_be_visible()


def test_upload_preview_commit(page, live_server, log_in, office):
    log_in(office)
    with translation.override("en"):
        page.goto(live_server.url + reverse("transfer:index"))
    assert_accessible(page)

    upload(page, live_server, ["Verein Düren;MSO;Bonn;GH;1995", "Weltladen;NRO;Atlantis;;"])
    expect(page.get_by_label("Art")).to_have_value("kind")
    assert_accessible(page)
    page.get_by_role("button", name="Check the file (dry run)").click()

    problems = page.locator("#problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("3")
    expect(problems.first).to_contain_text("Atlantis")
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    assert_accessible(page)
    assert Organisation.objects.count() == 0

    page.get_by_role("link", name="Upload a corrected file").click()
    upload(page, live_server, ["Verein Düren;MSO;Bonn;GH;1995", "Weltladen;NRO;Bonn;;"])
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.locator("#summary")).to_contain_text("2 to create")
    page.get_by_role("button", name="Import now").click()
    expect(page.locator("#summary")).to_contain_text("2 created")
    assert_accessible(page)
    assert set(Organisation.objects.values_list("name", flat=True)) == {"Verein Düren", "Weltladen"}


def test_value_mapping_step(page, live_server, log_in, office):
    """An unknown kind is proposed, confirmed once, and the file imports; an odd phone number
    is a warning the user accepts."""
    log_in(office)
    upload(page, live_server, ["Ev. Kirche;Kirchengemeinde;Bonn;GH;07.01.1980"])
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.get_by_role("heading", name="1 value to map")).to_be_visible()
    field = page.get_by_label("Stands for")
    expect(field).to_have_value("faith community")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    page.get_by_role("button", name="Save the mapping and check again").click()
    expect(page.locator("#summary")).to_contain_text("1 to create")
    assert_accessible(page)
    page.get_by_role("button", name="Import now").click()
    expect(page.locator("#summary")).to_contain_text("1 created")
    organisation = Organisation.objects.get()
    assert (organisation.kind, organisation.founded) == ("faith_community", 1980)
