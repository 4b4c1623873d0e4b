"""News, the pages the program office edits, the contact and feedback forms and the editorial
area in the browser: axe-core finds no WCAG 2.1 A/AA violation in German and English, on the news
list and an article, an edited page, the accessibility statement with its feedback form (also
showing its errors), the contact form, the editorial overview and the news form with a preview.
And the issue's "done when": read the accessibility statement and send feedback, as a visitor
would."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from bruecken.testing_browser import TIMEOUT_MS, assert_accessible
from bruecken.tests.browser import url

pytestmark = pytest.mark.e2e
both_languages = pytest.mark.parametrize("language", ["de", "en"])

LEIPZIG = "14713000"


@pytest.fixture
def outbox(settings, live_server):
    """The e-mails the live server's thread sends (same process, same django.core.mail)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CONTACT_EMAIL = "servicestelle@example.org"
    mail.outbox = []
    return lambda: mail.outbox


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The demo news and pages; Leipzig is all of the reference data they need."""
    from bruecken.demo.website import create_demo_website
    from bruecken.places.tests.factories import MunicipalityFactory

    MunicipalityFactory(name="Leipzig", ags=LEIPZIG)
    create_demo_website()


@pytest.fixture
def office(transactional_db):
    from bruecken.accounts.models import Role
    from bruecken.accounts.tests.factories import user_with_role

    return user_with_role(Role.PROGRAM_OFFICE)


def open_page(page, address, status=200):
    response = page.goto(address)
    assert response.status == status, f"{address} answered {response.status}"
    return response


# Public pages


@both_languages
def test_news_list(page, live_server, demo_site, language):
    open_page(page, url(live_server, language, "website:news_list"))
    expect(page.locator("main article")).to_have_count(3)
    expect(page.locator("nav a[aria-current=page]")).to_have_attribute(
        "href", re.compile(r"/news/$")
    )
    assert_accessible(page)


@both_languages
def test_news_article_with_its_picture(page, live_server, demo_site, language):
    open_page(
        page, url(live_server, language, "website:news_article", "leipzig-erweiterter-workshop")
    )
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    picture = page.locator("main figure img")
    expect(picture).to_have_attribute("alt", re.compile("Bogenbrücke|arch bridge"))
    # Our own picture, really delivered.
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)


@both_languages
def test_a_page_the_office_edited(page, live_server, log_in, demo_site, office, language):
    log_in(office)
    from bruecken.website.models import Page

    imprint = Page.objects.get(purpose=Page.Purpose.IMPRINT)
    open_page(page, url(live_server, language, "website:editorial_page_update", imprint.pk))
    field = page.locator("#id_body_en" if language == "en" else "#id_body")
    field.fill(field.input_value() + "\n\n## Bildnachweise\n\nAlle Bilder: Demo.")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".message-success")).to_be_visible()
    open_page(page, url(live_server, language, "website:imprint"))
    expect(page.get_by_role("heading", level=2, name="Bildnachweise")).to_be_visible()
    assert_accessible(page)


@both_languages
def test_the_page_in_plain_language(page, live_server, demo_site, language):
    open_page(page, url(live_server, language, "website:easy_language"))
    assert_accessible(page)


@both_languages
def test_accessibility_statement_and_its_feedback_form_with_errors(
    page, live_server, demo_site, language
):
    open_page(page, url(live_server, language, "website:accessibility"))
    expect(page.locator("#feedback form")).to_be_visible()
    assert_accessible(page)
    page.locator("#feedback").get_by_role("button").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("input[name=email]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("textarea[name=message]")).to_have_attribute("aria-invalid", "true")
    # The summary's links lead to the fields.
    summary.locator("a[href='#id_email']").click()
    expect(page.locator("#id_email")).to_be_focused()
    assert_accessible(page)


@both_languages
def test_contact_form(page, live_server, demo_site, language):
    open_page(page, url(live_server, language, "website:contact"))
    # The honeypot is out of sight and out of the tab order.
    expect(page.locator("#id_website")).not_to_be_in_viewport()
    expect(page.locator("#id_website")).to_have_attribute("tabindex", "-1")
    assert_accessible(page)


# Editorial area


@both_languages
def test_editorial_overview(page, live_server, log_in, demo_site, office, language):
    log_in(office)
    open_page(page, url(live_server, language, "website:editorial"))
    expect(page.locator("main table")).to_have_count(2)
    assert_accessible(page)


@both_languages
def test_news_form_with_a_preview(page, live_server, log_in, demo_site, office, language):
    log_in(office)
    open_page(page, url(live_server, language, "website:editorial_news_create"))
    page.locator("#id_title").fill("Kiel lädt ein")
    page.locator("#id_summary").fill("Der Initiativworkshop in Kiel.")
    page.locator("#id_body").fill("## Ablauf\n\nWir beginnen um **10 Uhr**.")
    page.locator("#id_title_en").fill("Kiel invites")
    page.locator("#id_body_en").fill("We start at **10 am**.")
    page.locator("button[name=preview]").click()
    preview = page.locator("#preview-area")
    expect(preview.locator("strong", has_text="10 Uhr")).to_be_visible()
    expect(preview.locator("strong", has_text="10 am")).to_be_visible()
    # Put in place by htmx: the form is still as typed, nothing was saved.
    expect(page.locator("#id_title")).to_have_value("Kiel lädt ein")
    from bruecken.website.models import NewsArticle

    assert not NewsArticle.objects.filter(title="Kiel lädt ein").exists()
    assert_accessible(page)


def test_the_preview_works_without_javascript(browser, live_server, demo_site, office):
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    client = Client()
    client.force_login(office)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    try:
        open_page(page, url(live_server, "de", "website:editorial_news_create"))
        page.locator("#id_body").fill("Text mit **Betonung**")
        page.locator("button[name=preview]").click()
        expect(page.locator("#preview-area strong", has_text="Betonung")).to_be_visible()
        expect(page.locator("#id_body")).to_have_value("Text mit **Betonung**")
    finally:
        context.close()


# Done when: read the accessibility statement and send feedback


@both_languages
def test_read_the_accessibility_statement_and_send_feedback(
    page, live_server, demo_site, outbox, language
):
    from bruecken.website.models import ContactMessage

    open_page(page, url(live_server, language, "website:news_list"))
    page.locator("footer nav a[href$='/accessibility/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Erklärung zur Barrierefreiheit|Accessibility statement")
    )
    expect(page.get_by_role("heading", name=re.compile("Schlichtung|Enforcement"))).to_be_visible()

    form = page.locator("#feedback form")
    form.get_by_label(re.compile("^(Your name|Ihr Name)")).fill("Amina Diallo")
    form.get_by_label(re.compile("^(Your e-mail address|Ihre E-Mail-Adresse)")).fill(
        "amina@example.org"
    )
    form.get_by_label(re.compile("^(Subject|Betreff)")).fill("Kalender")
    form.get_by_label(re.compile("^(Which page|Um welche Seite)")).fill("Kalender, Monatsansicht")
    message = form.get_by_label(re.compile("barrier|Barriere"))
    message.fill("Die Monatsansicht lässt sich mit dem Screenreader schwer lesen.")
    # Sent with the keyboard, from the last field: past the link to the privacy policy (and not
    # into the honeypot) to the button.
    message.focus()
    page.keyboard.press("Tab")
    expect(form.get_by_role("link")).to_be_focused()
    expect(form.get_by_role("link")).to_have_attribute("href", re.compile(r"/privacy/$"))
    page.keyboard.press("Tab")
    expect(form.get_by_role("button")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Thank you|Vielen Dank"))
    assert_accessible(page)
    stored = ContactMessage.objects.get()
    assert (stored.kind, stored.language, stored.page_url) == (
        "accessibility",
        language,
        "Kalender, Monatsansicht",
    )
    [sent] = outbox()
    assert sent.to == ["servicestelle@example.org"]
    assert sent.reply_to == ["amina@example.org"]
    assert "Monatsansicht" in sent.body
