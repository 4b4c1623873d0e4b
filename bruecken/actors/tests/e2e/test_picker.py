"""The type-ahead picker in the browser: the office adds a membership by typing three letters
of a person's name and choosing with the keyboard alone; axe finds nothing with the listbox
open, in German and English."""

import pytest
from playwright.sync_api import expect

from bruecken import fulltext
from bruecken.actors.models import Membership, Person
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def test_office_adds_a_membership_with_the_keyboard(page, live_server, demo, log_in, language):
    organisation = demo.organisation
    person = (
        Person.objects.exclude(memberships__organisation=organisation)
        .filter(name__regex=r"^[A-Za-z]{3}")
        .order_by("pk")
        .first()
    )
    # The rows put back after the last test's flush, into the search index too.
    fulltext.reindex(Person)
    log_in(demo.office)
    open_page(page, url(live_server, language, "actors:membership_add", organisation.pk))
    combobox = page.get_by_role("combobox")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    # The script drops the search button: Enter picks, it does not send the form.
    expect(page.locator(".picker-search-button")).to_have_count(0)
    combobox.focus()
    combobox.press_sequentially(person.name[:3], delay=30)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(combobox).to_have_attribute("aria-expanded", "true")
    status = page.locator("#id_person-status")
    expect(status).not_to_have_text("")
    options = listbox.get_by_role("option")
    texts = options.all_inner_texts()
    target = next(i for i, text in enumerate(texts) if text.startswith(person.name))
    for _ in range(target + 1):
        combobox.press("ArrowDown")
    active = options.nth(target)
    expect(active).to_have_attribute("aria-selected", "true")
    expect(combobox).to_have_attribute("aria-activedescendant", active.get_attribute("id"))
    assert_accessible(page)  # with the listbox open

    combobox.press("Escape")
    expect(listbox).to_be_hidden()
    expect(combobox).to_have_attribute("aria-expanded", "false")
    combobox.press("ArrowDown")
    expect(listbox).to_be_visible()
    for _ in range(target):
        combobox.press("ArrowDown")
    combobox.press("Enter")
    expect(listbox).to_be_hidden()
    chip = page.locator(".picker-chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(person.name)
    remove = chip.get_by_role("button")
    # The chip's button is named for what it removes.
    assert person.name in remove.get_attribute("aria-label")
    expect(combobox).to_be_focused()
    expect(combobox).to_have_value("")
    assert_accessible(page)

    # On to the role and the button, by keyboard.
    page.keyboard.press("Tab")
    page.keyboard.type("Kassenwart")
    page.locator("main form button[type=submit]").focus()
    page.keyboard.press("Enter")
    # The sent form lands on the organisation's page; reading the database before then races
    # the request.
    expect(page).to_have_url(
        url(live_server, language, "actors:organisation_detail", organisation.pk)
    )
    expect(page.locator(".error-summary")).to_have_count(0)
    membership = Membership.objects.get(organisation=organisation, person=person)
    assert membership.role == "Kassenwart"
