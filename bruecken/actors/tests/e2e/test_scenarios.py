"""The issue's acceptance scenarios, played in the browser."""

import re
from functools import partial

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from bruecken.actors.filters import filter_organisations
from bruecken.actors.models import Organisation, Person
from bruecken.testing_browser import assert_accessible
from bruecken.tests import browser

pytestmark = pytest.mark.e2e

PASSWORD = "demo"  # the demo accounts' password


def url(live_server, name, *args, language="en", query=""):
    with translation.override(language):
        return live_server.url + reverse(name, args=args) + query


def log_in_with_form(page, live_server, email, language="en"):
    page.goto(url(live_server, "accounts:login", language=language))
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def result_names(page):
    return page.locator("#results tbody tr td:first-child a").all_inner_texts()


def mark_document(page):
    """Tag the loaded document, so that a test can tell an in-place update from a new page."""
    page.evaluate("window.__samePage = true")


def is_same_document(page):
    return page.evaluate("window.__samePage === true")


def test_filter_by_country_updates_the_list_in_place(page, live_server, demo):
    log_in_with_form(page, live_server, "coordinator.bonn@demo.bruecken.de")
    page.get_by_role("navigation", name="Work area").get_by_role(
        "link", name="Organisations"
    ).click()
    expect(page).to_have_url(url(live_server, "actors:organisation_list"))
    expect(page.locator("#results tbody tr")).not_to_have_count(0)
    unfiltered = result_names(page)
    count = page.locator("#result-count")
    count_before = count.inner_text()
    mark_document(page)

    with page.expect_response(lambda response: "country=GH" in response.url) as response:
        browser.pick(page, "#id_country", "Ghan")
    assert response.value.request.headers.get("hx-request") == "true"

    expect(page).to_have_url(re.compile(r"[?&]country=GH(&|$)"))
    expected = sorted(
        Organisation.objects.visible_to(demo.bonn_coordinator)
        .filter(countries__code="GH")
        .values_list("name", flat=True)
    )
    expect(page.locator("#results tbody tr")).to_have_count(len(expected))
    assert is_same_document(page), "the page was reloaded instead of updated in place"
    assert sorted(result_names(page)) == expected
    for countries in page.locator("#results tbody tr td:nth-child(4)").all_inner_texts():
        assert "Ghana" in countries.split(", ")
    # The result count is a live region that stays in the page, so the new count is announced.
    expect(count).not_to_have_text(count_before)
    expect(count).to_have_attribute("role", "status")
    assert is_same_document(page)

    # The address is shareable: loading it shows the same list.
    filtered_url = page.url
    page.reload()
    assert not is_same_document(page)
    expect(page.locator(".picker-chosen input[name=country]")).to_have_value("GH")
    assert sorted(result_names(page)) == expected

    # A fresh browser tab at that address, too.
    other = page.context.new_page()
    other.goto(filtered_url)
    assert sorted(result_names(other)) == expected
    other.close()

    # Back goes to the unfiltered list.
    page.go_back()
    expect(page).to_have_url(url(live_server, "actors:organisation_list"))
    expect(page.locator(".picker-chosen input[name=country]")).to_have_count(0)
    assert result_names(page) == unfiltered


def test_people_filter_updates_the_list_in_place(page, live_server, demo, log_in):
    log_in(demo.bonn_coordinator)
    page.goto(url(live_server, "actors:person_list"))
    count = page.locator("#result-count")
    mark_document(page)
    with page.expect_response(lambda response: "role=decision_maker" in response.url):
        page.get_by_label("Role in the process").select_option("decision_maker")
    expect(page).to_have_url(re.compile(r"[?&]role=decision_maker(&|$)"))
    expected = (
        Person.objects.visible_to(demo.bonn_coordinator).filter(is_decision_maker=True).count()
    )
    expect(count).to_have_text(f"{expected} people found")
    expect(page.locator("#results tbody tr")).to_have_count(min(expected, 25))
    for cell in page.locator("#results tbody tr td:nth-child(3)").all_inner_texts():
        assert cell == "yes"
    assert is_same_document(page)


@pytest.mark.parametrize("language", ["de", "en"])
def test_duplicate_organisation_name_is_refused_with_a_link(
    page, live_server, demo, log_in, language
):
    existing = demo.organisation
    log_in(demo.bonn_coordinator)
    form_url = url(live_server, "actors:organisation_create", language=language)
    existing_url = url(live_server, "actors:organisation_detail", existing.pk, language=language)
    variants = [existing.name, existing.name.upper(), f"  {'   '.join(existing.name.split())} "]
    for name in variants:
        page.goto(form_url)
        page.locator("#id_name").fill(name)
        page.locator("#id_kind").select_option("migrant_organisation")
        # The coordinator's one municipality is chosen already.
        expect(page.locator("#id_municipality-chosen")).to_contain_text("Bonn")
        page.locator("main form button[type=submit]").click()

        expect(page).to_have_url(form_url)
        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        errors = page.locator("#id_name_error")
        expect(errors).to_contain_text(existing.name)
        link = errors.get_by_role("link")
        expect(link).to_have_attribute("href", existing_url.removeprefix(live_server.url))
        if language == "en":
            expect(link).to_have_text("Open the existing organisation")
        # The summary links to the field by its label; the message, with its own link, follows
        # (a link inside a link would be invalid HTML, split apart by the browser).
        field_link = summary.locator("a[href='#id_name']")
        expect(field_link).to_have_count(1)
        expect(field_link).not_to_contain_text(existing.name)
        expect(summary.get_by_role("link")).to_have_count(2)
    assert Organisation.objects.filter(name_key=existing.name_key).count() == 1
    assert_accessible(page)

    link.click()
    expect(page).to_have_url(existing_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(existing.name)


def test_edit_shows_in_history(page, live_server, demo, log_in):
    organisation = demo.organisation
    old_description = organisation.description
    new_description = "Unterstützt Schulen in Cape Coast mit Büchern und Laptops."
    log_in(demo.bonn_coordinator)
    page.goto(url(live_server, "actors:organisation_detail", organisation.pk))
    history = page.locator("section[aria-labelledby=history-heading]")
    # The demo office entered the demo through the services: its entries come first.
    expect(history.locator("li").first).to_contain_text("Programmbüro (Demo)")

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page).to_have_url(url(live_server, "actors:organisation_edit", organisation.pk))
    page.get_by_label("Description:", exact=True).fill(new_description)
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(url(live_server, "actors:organisation_detail", organisation.pk))
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    newest = history.locator("li").first
    rows = newest.locator("table tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells).to_have_text(["Description", old_description, new_description])
    expect(newest).to_contain_text("Koordination Bonn (Demo)")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["de", "en"])
def test_other_municipalitys_coordinator_is_refused(page, live_server, demo, language):
    log_in_with_form(page, live_server, "coordinator.kiel@demo.bruecken.de", language=language)
    edit_url = url(live_server, "actors:organisation_edit", demo.organisation.pk, language=language)
    response = page.goto(edit_url)
    assert response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#id_name")).to_have_count(0)
    if language == "en":
        expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
        expect(page.get_by_role("main")).to_contain_text(
            "Your role does not allow you to see or change this page."
        )
    # Its page is refused too: the organisation has not consented to be published.
    response = page.goto(
        url(live_server, "actors:organisation_detail", demo.organisation.pk, language=language)
    )
    assert response.status == 403


def test_skip_link_is_the_first_tab_stop(page, live_server, demo, log_in):
    log_in(demo.bonn_coordinator)
    for address in (
        url(live_server, "home", language="de"),
        url(live_server, "actors:organisation_detail", demo.organisation.pk),
    ):
        page.goto(address)
        page.keyboard.press("Tab")
        skip_link = page.locator("a.skip-link")
        expect(skip_link).to_be_focused()
        expect(skip_link).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        # The next Tab continues after the skip target, not back in the header.
        page.keyboard.press("Tab")
        assert page.evaluate(
            """() => {
                const focused = document.activeElement;
                const main = document.querySelector("main");
                const after = main.compareDocumentPosition(focused);
                return main.contains(focused) || Boolean(after & Node.DOCUMENT_POSITION_FOLLOWING);
            }"""
        ), "Tab after the skip link went back before the main content"


tab_to = partial(browser.tab_to, limit=40)


def test_filter_form_works_with_the_keyboard(page, live_server, demo, log_in):
    visible = Organisation.objects.visible_to(demo.bonn_coordinator)
    log_in(demo.bonn_coordinator)
    page.goto(url(live_server, "actors:organisation_list"))
    mark_document(page)

    # A closed select changes with the arrow keys, without a mouse.
    kind = tab_to(page, "#id_kind")
    with page.expect_response(lambda response: "kind=migrant_organisation" in response.url):
        page.keyboard.press("ArrowDown")
    expect(page).to_have_url(re.compile(r"kind=migrant_organisation"))
    migrant = visible.filter(kind="migrant_organisation").count()
    expect(page.locator("#results tbody tr")).to_have_count(min(migrant, 25))
    expect(kind).to_be_focused()  # the update in place leaves the focus where it was
    with page.expect_response(lambda response: "kind=&" in response.url):
        page.keyboard.press("ArrowUp")
    expect(kind).to_have_value("")

    # A type-ahead picker: type, then arrow down and Enter.
    country = tab_to(page, "#id_country")
    page.keyboard.type("Ghan")
    expect(page.locator("#id_country-listbox")).to_be_visible()
    page.keyboard.press("ArrowDown")
    with page.expect_response(lambda response: "country=GH" in response.url):
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"country=GH"))
    in_ghana = visible.filter(countries__code="GH")
    expect(page.locator("#results tbody tr")).to_have_count(in_ghana.count())
    expect(country).to_be_focused()

    # Typing in the search field and pressing Enter applies the filters too.
    tab_to(page, "#id_q", key="Shift+Tab")
    page.keyboard.type("Verein")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=Verein"))
    found = filter_organisations(in_ghana, {"q": "Verein"})
    expected = sorted(found.values_list("name", flat=True))
    expect(page.locator("#results tbody tr")).to_have_count(len(expected))
    assert sorted(result_names(page)) == expected
    assert is_same_document(page)

    # The button applies them as well, and Reset (a link) goes back to the whole list.
    tab_to(page, ".filter-actions button")
    page.keyboard.press("Enter")
    expect(page.locator("#results tbody tr")).to_have_count(len(expected))
    tab_to(page, ".filter-actions a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url(live_server, "actors:organisation_list"))
    expect(page.locator(".picker-chosen input[name=country]")).to_have_count(0)


def test_language_switch_keeps_the_page(page, live_server, demo, log_in):
    log_in(demo.bonn_coordinator)
    german = url(live_server, "actors:organisation_detail", demo.organisation.pk, language="de")
    english = url(live_server, "actors:organisation_detail", demo.organisation.pk, language="en")
    page.goto(german)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    switch = page.locator(".language-switch")
    expect(switch.locator("[aria-current=true]")).to_have_text(re.compile("^DE"))

    switch.locator("a[hreflang=en]").click()

    expect(page).to_have_url(english)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo.organisation.name)
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(switch.locator("[aria-current=true]")).to_have_text(re.compile("^EN"))
    expect(switch.locator("a[hreflang=de]")).to_have_attribute(
        "href", german.removeprefix(live_server.url)
    )
