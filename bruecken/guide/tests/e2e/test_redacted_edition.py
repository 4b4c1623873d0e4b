"""A published edition after a withdrawn consent, in a browser, in German and English: the
public web edition says it was redacted and names the organisation no more, the composer and
the program office's unredacted edition show what happened; no page has a WCAG 2.1 A/AA
violation that axe-core finds."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from bruecken.actors import services as actor_services
from bruecken.actors.models import Organisation
from bruecken.guide import render, services
from bruecken.guide.models import Edition
from bruecken.testing_browser import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("language", ["de", "en"])]

NAME = "Ghana Union Bonn"


def address(live_server, language, name, *args):
    with translation.override(language):
        return live_server.url + reverse(f"guide:{name}", args=args)


def test_redacted_edition_public_and_for_the_office(
    page, live_server, log_in, transactional_db, accepted, edition, office, private_files,
    monkeypatch, language,
):  # fmt: skip
    # The PDF is not read here: the HTML stands in for it, to keep the test fast.
    monkeypatch.setattr(
        render,
        "RENDERERS",
        [("html", "HTML", render.render_html), ("pdf", "PDF", render.render_html)],
    )
    Edition.objects.filter(pk=edition.pk).update(foreword=f"Dank an {NAME}.")
    services.publish_edition(office, edition)  # built at once: the tests run tasks immediately
    actor_services.withdraw_organisation_consent(office, Organisation.objects.get(name=NAME))
    assert Edition.objects.get(pk=edition.pk).redaction_status == "done"

    page.goto(address(live_server, language, "edition_read", edition.pk))
    expect(page.locator("main")).not_to_contain_text(NAME)
    expect(page.locator(".guide-redacted")).to_contain_text("Geschwärzt am")
    assert_accessible(page)

    log_in(office)
    page.goto(address(live_server, language, "edition_detail", edition.pk))
    expect(page.locator("#build-status")).to_contain_text(
        "Geschwärzt am" if language == "de" else "Redacted on"
    )
    assert_accessible(page)
    unredacted = address(live_server, language, "edition_unredacted", edition.pk)
    page.locator(f"a[href='{unredacted[len(live_server.url) :]}']").click()
    expect(page).to_have_url(unredacted)
    expect(page.locator("main")).to_contain_text(NAME)
    assert_accessible(page)
