"""The public pages in the browser, on the demo data, as a visitor without an account: axe-core
finds no WCAG 2.1 A/AA violation on home, program, municipality, the filtered directory and a
profile, in German and English; and the issue's "done when": from the home page find Leipzig's
local process, its partnership with Addis Abeba and its next workshop, and find a migrant
organisation engaged in Ethiopia in the directory."""

import re

import pytest
from playwright.sync_api import expect

from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import open_page, pick, restore, snapshot, url

pytestmark = pytest.mark.e2e

# accounts: the demo program office, who entered the demo data, and its audit entries.
SNAPSHOT_APPS = ["places", "accounts", "actors", "programs", "events"]
LEIPZIG = "14713000"
NARROW = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def demo_rows(browser_test_settings, django_db_setup, django_db_blocker):
    """The reference data, the demo registry and the demo program, made once and kept as rows
    to put back after each test's flush: making them again for every test would take most of
    its time."""
    from bruecken.demo.program import create_demo_program, demo_program_exists
    from bruecken.demo.registry import create_demo_data, demo_exists
    from conftest import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()  # an earlier transactional test may have flushed it
        if not demo_exists():
            create_demo_data()
        if not demo_program_exists():
            create_demo_program()
        return snapshot(SNAPSHOT_APPS)


@pytest.fixture
def demo(demo_rows, transactional_db, live_server):
    """The demo data in place (put back after the last test's flush), and Leipzig."""
    from bruecken.places.models import Country, Municipality

    if not Country.objects.exists():
        restore(demo_rows)
    return Municipality.objects.get(ags=LEIPZIG)


def consented_ethiopian_migrant_organisations():
    from bruecken.actors.models import Organisation, OrganisationKind

    return list(
        Organisation.objects.filter(
            consent_given_at__isnull=False,
            kind=OrganisationKind.MIGRANT_ORGANISATION,
            countries__code="ET",
        )
        .order_by("name_key", "pk")
        .values_list("name", flat=True)
    )


# axe-core on every page type, in both languages


@pytest.mark.parametrize("language", ["de", "en"])
def test_home_is_accessible(page, live_server, demo, language):
    open_page(page, url(live_server, language, "home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Brücken")
    expect(page.get_by_role("link", name="Leipzig", exact=True)).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["de", "en"])
def test_program_page_is_accessible(page, live_server, demo, language):
    program = demo.programs.get()
    open_page(page, url(live_server, language, "website:program", program.pk))
    expect(page.locator("tbody tr")).not_to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["de", "en"])
def test_municipality_page_is_accessible(page, live_server, demo, language):
    open_page(page, url(live_server, language, "website:municipality", demo.pk))
    expect(page.locator(".timeline-item")).to_have_count(4)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["de", "en"])
def test_filtered_directory_is_accessible(page, live_server, demo, language):
    query = f"?municipality={demo.pk}&kind=migrant_organisation&region=002"
    open_page(page, url(live_server, language, "website:directory", query=query))
    expect(page.locator("#results .card")).not_to_have_count(0)
    assert_accessible(page)
    # After an in-place update by htmx too.
    with page.expect_response(lambda response: "country=ET" in response.url):
        pick(page, "#id_country", "Äthi" if language == "de" else "Ethi")
    expect(page).to_have_url(re.compile(r"[?&]country=ET(&|$)"))
    expect(page.locator("#results .card")).to_have_count(
        len(consented_ethiopian_migrant_organisations())
    )
    assert_accessible(page)


@pytest.mark.parametrize("language", ["de", "en"])
def test_profile_is_accessible(page, live_server, demo, language):
    from bruecken.actors.models import Organisation

    organisation = (
        Organisation.objects.filter(consent_given_at__isnull=False, municipality=demo)
        .order_by("pk")
        .first()
    )
    open_page(page, url(live_server, language, "website:organisation", organisation.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text(organisation.name)
    assert_accessible(page)


def test_pages_reflow_at_320_pixels(page, live_server, demo):
    from bruecken.actors.models import Organisation

    organisation = Organisation.objects.filter(consent_given_at__isnull=False).first()
    page.set_viewport_size(NARROW)
    too_wide = []
    for name, args, query in [
        ("home", [], ""),
        ("website:program", [demo.programs.get().pk], ""),
        ("website:municipality", [demo.pk], ""),
        ("website:directory", [], "?country=ET"),
        ("website:organisation", [organisation.pk], ""),
    ]:
        page.goto(url(live_server, "de", name, *args, query=query))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            too_wide.append(f"{page.url}: {width}px")
    assert not too_wide, "Pages wider than the 320px window:\n" + "\n".join(too_wide)


# Done when: tried as a new visitor would, in both languages


@pytest.mark.parametrize("language", ["de", "en"])
def test_find_leipzigs_process_partnership_and_next_workshop(page, live_server, demo, language):
    from bruecken.programs.models import LocalProcess

    process = LocalProcess.objects.get(municipality=demo)
    next_workshop = (
        process.workshops.filter(is_published=True, starts_at__isnull=False)
        .order_by("starts_at")
        .last()
    )

    open_page(page, url(live_server, language, "home"))
    card = page.locator(".card", has=page.get_by_role("link", name="Leipzig", exact=True))
    # Already on the home page: the process's state, the partnership and the next workshop.
    expect(card).to_contain_text("Addis Abeba")
    expect(card.get_by_role("link", name=next_workshop.title)).to_be_visible()
    card.get_by_role("link", name="Leipzig", exact=True).click()

    expect(page).to_have_url(url(live_server, language, "website:municipality", demo.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leipzig")
    partnership = page.locator("tr", has_text="Addis Abeba")
    expect(partnership).to_contain_text("Äthiopien" if language == "de" else "Ethiopia")
    expect(partnership).to_contain_text("2004")
    if language == "en":
        expect(page.locator(".badge-process-underway").first).to_have_text("Under way")
    # The timeline: the initiative workshop done, the next one highlighted and linked.
    steps = page.locator(".timeline-item")
    expect(steps.nth(0)).to_have_class(re.compile(r"timeline-step-done"))
    current = page.locator(".timeline-item[aria-current=step]")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(next_workshop.title)
    # Goals the municipality published.
    expect(page.locator("section[aria-labelledby=goals-heading] li")).not_to_have_count(0)
    current.get_by_role("link", name=next_workshop.title).click()

    expect(page).to_have_url(url(live_server, language, "participate:event", next_workshop.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(next_workshop.title)


@pytest.mark.parametrize("language", ["de", "en"])
def test_find_a_migrant_organisation_engaged_in_ethiopia(page, live_server, demo, language):
    expected = consented_ethiopian_migrant_organisations()
    assert expected, "the demo needs a consented migrant organisation engaged in Ethiopia"

    open_page(page, url(live_server, language, "home"))
    directory = url(live_server, language, "website:directory")
    page.locator(f"nav a[href='{directory.removeprefix(live_server.url)}']").first.click()
    expect(page).to_have_url(directory)
    page.evaluate("window.__samePage = true")

    with page.expect_response(lambda response: "kind=migrant_organisation" in response.url):
        page.locator("#id_kind").select_option("migrant_organisation")
    with page.expect_response(lambda response: "country=ET" in response.url):
        pick(page, "#id_country", "Äthi" if language == "de" else "Ethi")
    expect(page).to_have_url(re.compile(r"[?&]country=ET(&|$)"))
    names = page.locator("#results .card h3 a")
    expect(names).to_have_count(len(expected))
    assert names.all_inner_texts() == expected
    assert page.evaluate("window.__samePage === true"), "the list was not updated in place"
    if language == "en":
        expect(page.locator("#result-count")).to_have_text(
            f"{len(expected)} organisation{'s' if len(expected) != 1 else ''} found"
        )

    # The address is shareable: loaded anew, it shows the same list.
    page.reload()
    expect(page.locator(".picker-chosen input[name=country]")).to_have_value("ET")
    assert names.all_inner_texts() == expected

    names.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(expected[0])
    expect(page.get_by_role("main")).to_contain_text(
        "Äthiopien" if language == "de" else "Ethiopia"
    )


def test_withdrawn_consent_leaves_the_directory_at_once(page, live_server, demo, settings):
    from bruecken.accounts.models import User
    from bruecken.actors import services
    from bruecken.actors.models import Organisation
    from bruecken.demo.accounts import create_demo_accounts

    settings.WEBSITE_CACHE_SECONDS = 600
    create_demo_accounts()
    office = User.objects.get(email="office@demo.bruecken.de")
    name = consented_ethiopian_migrant_organisations()[0]
    organisation = Organisation.objects.get(name=name)
    address = url(live_server, "en", "website:directory", query="?country=ET")
    open_page(page, address)
    expect(page.locator("#results")).to_contain_text(name)
    services.withdraw_organisation_consent(office, organisation)
    open_page(page, address)
    expect(page.locator("#results")).not_to_contain_text(name)
    open_page(page, url(live_server, "en", "website:organisation", organisation.pk), status=404)
