"""The guideline as its users meet it in a browser, in German and English: a facilitator
proposes a recommendation from the results of a completed process, the program office accepts
it, composes and publishes edition 1; the web edition, the composer, the review page and the
comparison have no WCAG 2.1 A/AA violation that axe-core finds."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from bruecken.guide import services
from bruecken.guide.models import Edition, Recommendation, RecommendationStatus
from bruecken.programs.models import Result
from bruecken.testing_browser import assert_accessible
from bruecken.tests.browser import pick

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]


def path(language, name, *args):
    with translation.override(language):
        return reverse(f"guide:{name}", args=args)


def address(live_server, language, name, *args):
    return live_server.url + path(language, name, *args)


@pytest.fixture
def completed(transactional_db, process, categories, private_files):
    return process


def test_from_proposal_to_published_edition(
    page, live_server, log_in, completed, program, result, bonn_facilitator, office, language
):
    # The facilitator proposes a recommendation, citing a result, and submits it.
    log_in(bonn_facilitator)
    page.goto(address(live_server, language, "recommendation_list"))
    assert_accessible(page)
    page.goto(address(live_server, language, "recommendation_create", program.pk))
    assert_accessible(page)
    page.locator("#id_title").fill("Feste Ansprechperson in der Verwaltung")
    page.locator("#id_text").fill("Die Verwaltung benennt eine Ansprechperson für die Vereine.")
    page.locator("#id_category").select_option(index=1)
    # The result is typed and chosen from the suggestions, by keyboard.
    pick(page, "#id_results", "Beirat", result.text[:40])
    chosen = page.locator("#id_results-chosen")
    expect(chosen.locator("input[name=results]")).to_have_value(str(result.pk))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    recommendation = Recommendation.objects.get(title="Feste Ansprechperson in der Verwaltung")
    assert list(recommendation.results.all()) == [result]
    expect(page).to_have_url(
        address(live_server, language, "recommendation_detail", recommendation.pk)
    )
    page.locator(
        f"form[action='{path(language, 'recommendation_submit', recommendation.pk)}'] button"
    ).click()
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.IN_REVIEW

    # The program office reviews it on the review page and accepts it.
    page.context.clear_cookies()
    log_in(office)
    page.goto(address(live_server, language, "recommendation_detail", recommendation.pk))
    assert_accessible(page)
    page.locator("input[name=decision][value=accepted]").check()
    page.locator("#review-heading ~ form button[type=submit]").click()
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ACCEPTED

    # It composes edition 1 and publishes it; the build runs, the composer shows the files.
    edition = services.create_edition(office, program, {"title": "Praxisleitfaden"})
    page.goto(address(live_server, language, "edition_detail", edition.pk))
    assert_accessible(page)
    # The tests run tasks at once: the request returns when the files are built.
    with page.expect_navigation(timeout=120_000):
        page.locator(
            f"form[action='{path(language, 'edition_publish', edition.pk)}'] button"
        ).click()
    edition.refresh_from_db()
    assert edition.number == 1 and edition.is_published
    expect(page.locator("#build-status a").first).to_be_visible()
    assert_accessible(page)

    # The web edition: public, with the recommendation and where it comes from.
    page.context.clear_cookies()
    page.goto(address(live_server, language, "edition_read", edition.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text("Praxisleitfaden")
    expect(page.locator(f"#recommendation-{recommendation.pk}")).to_contain_text("Bonn")
    assert_accessible(page)
    response = page.request.get(address(live_server, language, "edition_file", edition.pk, "pdf"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert recommendation.title in " ".join(text.split())


def test_comparison_page(page, live_server, completed, program, accepted, result, office, language):
    first = services.create_edition(office, program, {"title": "Praxisleitfaden"})
    services.publish_edition(office, first)
    Result.objects.filter(pk=result.pk).update(text="Der Beirat hat zwei neue Sitze.")
    second = services.create_edition(office, program, {"title": "Praxisleitfaden"})
    services.publish_edition(office, second)
    assert Edition.objects.get(pk=second.pk).number == 2
    page.goto(address(live_server, language, "edition_compare", second.pk))
    expect(page.locator("ins").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Der Beirat hat zwei neue Sitze.")
    assert_accessible(page)


def test_build_progress_and_failure(
    page, live_server, log_in, completed, edition, office, language
):
    Edition.objects.filter(pk=edition.pk).update(
        build_status="running", build_percent=40, build_step="Rendering the PDF"
    )
    log_in(office)
    page.goto(address(live_server, language, "edition_detail", edition.pk))
    expect(page.locator("progress")).to_have_attribute("value", "40")
    assert_accessible(page)
    Edition.objects.filter(pk=edition.pk).update(
        build_status="failed", build_error="RuntimeError: font missing"
    )
    # The page polls the status and shows why the build failed.
    expect(page.locator("#build-status")).to_contain_text("font missing", timeout=8000)
