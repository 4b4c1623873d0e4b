"""The report pages in a browser, in German and English: no WCAG 2.1 A/AA violation that
axe-core finds (the process documentation with a build in progress and with a finished one,
the public brochure), and the progress updating in place while a build runs."""

import re

import pytest
from playwright.sync_api import expect

from bruecken.reports import services
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import assert_reflows, url

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def open_page(page, address):
    response = page.goto(address)
    assert response.status == 200, f"{address} answered {response.status}"
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    return response


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "_enqueue", calls.append)
    return calls


def test_process_documentation_while_a_build_runs(
    page, live_server, log_in, world, bonn_coordinator, media, queued, language
):
    build = services.request_process_document_build(bonn_coordinator, world.process, language)
    log_in(bonn_coordinator)
    open_page(page, url(live_server, language, "reports:process_document", world.process.pk))
    progress = page.locator("progress")
    expect(progress).to_be_visible()
    # The progress bar is named by its label.
    expect(page.get_by_role("progressbar")).to_have_count(1)
    assert_accessible(page)
    # The build finishes in the background; the page learns of it by polling, without reload.
    services.run_build(build.pk)
    expect(page.locator("#build-status a.button")).to_be_visible(timeout=8000)
    expect(page.locator("progress")).to_have_count(0)
    assert_accessible(page)


def test_process_documentation_with_a_file(
    page, live_server, log_in, world, office, media, queued, language
):
    build = services.request_process_document_build(office, world.process, language)
    services.run_build(build.pk)
    log_in(office)
    open_page(page, url(live_server, language, "reports:process_document", world.process.pk))
    page.locator("details.report-build summary, .report-build details summary").first.click()
    assert_accessible(page)
    # The table of contents leads to its sections.
    page.locator('.report-toc a[href="#report-goals"]').click()
    expect(page).to_have_url(re.compile("#report-goals$"))
    assert_reflows(page)


def test_brochure(page, live_server, directory, bonn, language):
    open_page(page, url(live_server, language, "reports:brochure", bonn.pk))
    expect(page.get_by_text("Ghanaischer Verein Bonn").first).to_be_visible()
    assert_accessible(page)
    assert_reflows(page)
