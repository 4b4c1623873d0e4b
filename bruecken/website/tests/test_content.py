"""The public pages the program office edits, the contact form, the accessibility feedback and the
uploaded images."""

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache as django_cache
from django.utils import timezone
from PIL import Image as PILImage

from bruecken import cache as website_cache
from bruecken.tests.helpers import url_maker
from bruecken.website.models import ContactMessage, Page

from .factories import ImageFactory, NewsArticleFactory, PageFactory, picture_bytes

pytestmark = pytest.mark.django_db

MESSAGE = {
    "name": "Amina Diallo",
    "email": "amina@example.org",
    "subject": "Frage",
    "message": "Wie kann unser Verein mitmachen?",
}


url = url_maker(None, language="de")


@pytest.fixture
def accessibility_page():
    return PageFactory(
        slug="barrierefreiheit",
        purpose=Page.Purpose.ACCESSIBILITY,
        title="Erklärung zur Barrierefreiheit",
        title_en="Accessibility statement",
        body="## Stand der Vereinbarkeit\n\nTeilweise vereinbar.",
        body_en="## Compliance status\n\nPartially compliant.",
    )


@pytest.fixture
def contact_address(settings):
    settings.CONTACT_EMAIL = "servicestelle@example.org"


# Pages


def test_page_by_its_address(client):
    PageFactory(slug="ueber-uns", title="Über uns", body="# Wer wir sind\n\nEin Verein.")
    response = client.get(url("website:page", "ueber-uns"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 id="page-title">Über uns</h1>' in content
    assert "<h2>Wer wir sind</h2>" in content
    assert content.count("<h1") == 1


@pytest.mark.parametrize(
    "purpose", ["imprint", "privacy", "accessibility", "easy_language"], ids=str
)
def test_pages_by_purpose(client, purpose):
    PageFactory(purpose=purpose, title=f"Seite für {purpose}")
    response = client.get(url(f"website:{purpose}"))
    assert response.status_code == 200
    assert f"Seite für {purpose}" in response.content.decode()


# The privacy policy is shown without the office's text too (test_privacy_policy.py).
@pytest.mark.parametrize("purpose", ["imprint", "accessibility", "easy_language"])
def test_a_purpose_without_a_published_page_is_not_found(client, purpose):
    PageFactory(purpose=purpose, is_published=False)
    assert client.get(url(f"website:{purpose}")).status_code == 404


def test_drafts_and_future_pages_are_not_found(client):
    PageFactory(slug="entwurf", is_published=False)
    PageFactory(slug="bald", published_at=timezone.now() + timedelta(days=1))
    assert client.get(url("website:page", "entwurf")).status_code == 404
    assert client.get(url("website:page", "bald")).status_code == 404
    assert client.get(url("website:page", "gibt-es-nicht")).status_code == 404


def test_english_page_and_german_fallback_marked_as_german(client):
    PageFactory(slug="zweisprachig", title="Zweisprachig", title_en="Bilingual", body_en="Hello.")
    PageFactory(
        slug="leichte-sprache",
        purpose=Page.Purpose.EASY_LANGUAGE,
        title="Leichte Sprache",
        body="Das ist ein Satz.\nDas ist noch ein Satz.",
    )
    content = client.get(url("website:page", "zweisprachig", language="en")).content.decode()
    assert '<h1 id="page-title">Bilingual</h1>' in content
    assert '<div class="content-body"><p>Hello.</p></div>' in content
    content = client.get(url("website:easy_language", language="en")).content.decode()
    assert '<h1 id="page-title" lang="de">Leichte Sprache</h1>' in content
    # One sentence a line, as written.
    assert (
        '<div class="content-body" lang="de"><p>Das ist ein Satz.<br>\nDas ist noch ein Satz.</p>'
        in content
    )


def test_pages_without_forms_are_cached_for_visitors(client, settings):
    settings.WEBSITE_CACHE_SECONDS = 600
    page = PageFactory(slug="ueber-uns", title="Vorher")
    assert "Vorher" in client.get(url("website:page", "ueber-uns")).content.decode()
    Page.objects.filter(pk=page.pk).update(title="Nachher")
    assert "Vorher" in client.get(url("website:page", "ueber-uns")).content.decode()
    # What a committed save does (bruecken.cache has the tests of that).
    website_cache.bump()
    assert "Nachher" in client.get(url("website:page", "ueber-uns")).content.decode()


# The accessibility statement and its feedback form


def test_accessibility_statement_shows_the_feedback_form(client, accessibility_page, settings):
    settings.WEBSITE_CACHE_SECONDS = 600
    response = client.get(url("website:accessibility"))
    content = response.content.decode()
    assert 'id="feedback"' in content
    assert f'action="{url("website:feedback")}"' in content
    assert "csrfmiddlewaretoken" in content
    assert f'href="{url("website:privacy")}"' in content
    # Forms carry a token of their own: never served from the cache.
    Page.objects.filter(pk=accessibility_page.pk).update(title="Geändert")
    assert "Geändert" in client.get(url("website:accessibility")).content.decode()


def test_a_required_page_has_one_address(client, accessibility_page):
    response = client.get(url("website:page", "barrierefreiheit"))
    assert response.status_code == 301
    assert response["Location"] == url("website:accessibility")


def test_feedback_is_stored_and_sent(
    client, accessibility_page, contact_address, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("website:feedback", language="en"), {**MESSAGE, "page_url": "/en/calendar/"}
        )
    assert response.status_code == 200
    assert "Thank you for your message" in response.content.decode()
    message = ContactMessage.objects.get()
    assert message.kind == ContactMessage.Kind.ACCESSIBILITY
    assert message.language == "en"
    assert message.page_url == "/en/calendar/"
    [mail] = mailoutbox
    assert mail.reply_to == [MESSAGE["email"]]


def test_feedback_with_errors_shows_them_on_the_statement(client, accessibility_page):
    response = client.post(url("website:feedback"), {**MESSAGE, "email": "kaputt", "message": ""})
    assert response.status_code == 200
    assert response.templates[0].name == "website/page.html"
    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert '<a href="#id_email">' in content
    assert re.search(r'<input type="email" name="email"[^>]*aria-invalid="true"', content)
    assert 'aria-describedby="id_email_helptext id_email_error"' in content
    assert not ContactMessage.objects.exists()


def test_feedback_without_a_statement_still_shows_its_errors(client):
    response = client.post(url("website:feedback"), {**MESSAGE, "email": ""})
    assert response.status_code == 200
    assert response.templates[0].name == "website/contact.html"
    assert 'class="error-summary"' in response.content.decode()


def test_the_feedback_address_leads_to_the_form(client, accessibility_page):
    response = client.get(url("website:feedback"))
    assert response.status_code == 302
    assert response["Location"] == url("website:accessibility") + "#feedback"


# Contact


def test_contact_form(client):
    response = client.get(url("website:contact"))
    assert response.status_code == 200
    content = response.content.decode()
    for name in ("name", "email", "subject", "message"):
        assert f'name="{name}"' in content
    assert f'href="{url("website:privacy")}"' in content


def test_contact_message_is_stored_and_sent(
    client, contact_address, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("website:contact"), MESSAGE)
    assert response.status_code == 200
    assert response.templates[0].name == "website/contact_sent.html"
    message = ContactMessage.objects.get()
    assert (message.kind, message.email, message.language) == ("contact", MESSAGE["email"], "de")
    assert len(mailoutbox) == 1


def test_contact_form_errors(client):
    response = client.post(url("website:contact"), {"name": "Nur ein Name"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="error-summary"' in content
    for name in ("email", "subject", "message"):
        assert f'<a href="#id_{name}">' in content
    assert "<title>Fehler" in content or "<title>Error" in content
    assert not ContactMessage.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    content = client.get(url("website:contact")).content.decode()
    wrapper = re.search(r'<div class="field trap" aria-hidden="true">(.*?)</div>', content, re.S)
    assert wrapper
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", wrapper.group(1)).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert '<label for="id_website">' in wrapper.group(1)


@pytest.mark.parametrize("name", ["website:contact", "website:feedback"])
def test_a_filled_honeypot_looks_like_success_but_nothing_happens(
    client,
    name,
    accessibility_page,
    contact_address,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(name), {**MESSAGE, "website": "https://spam.example"})
    assert response.status_code == 200
    assert response.templates[0].name == "website/contact_sent.html"
    assert not ContactMessage.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("name", ["website:contact", "website:feedback"])
def test_over_the_rate_limit_nothing_is_stored(
    client, name, settings, accessibility_page, contact_address, mailoutbox
):
    settings.CONTACT_RATE_LIMIT = 2
    django_cache.clear()
    for _attempt in range(2):
        assert client.post(url(name), MESSAGE).status_code == 200
    response = client.post(url(name), {**MESSAGE, "message": "Die dritte Nachricht"})
    assert response.status_code == 429
    content = response.content.decode()
    assert 'role="alert"' in content
    # The text stays in the form, to send later.
    assert "Die dritte Nachricht" in content
    assert ContactMessage.objects.count() == 2


def test_the_rate_limit_is_shared_by_both_forms(client, settings, accessibility_page):
    settings.CONTACT_RATE_LIMIT = 1
    assert client.post(url("website:contact"), MESSAGE).status_code == 200
    assert client.post(url("website:feedback"), MESSAGE).status_code == 429


# Images


@pytest.fixture
def shown():
    """A picture that a published article shows."""
    image = ImageFactory()
    NewsArticleFactory(image=image)
    return image


def test_image_is_served_with_public_cache_headers(client, shown, settings):
    response = client.get(shown.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("public")
    # Not kept for a year: an article that is withdrawn takes its picture with it.
    assert "immutable" not in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    assert PILImage.open(io.BytesIO(data)).size == (40, 30)


def test_image_answers_conditional_requests(client, shown):
    image = shown
    first = client.get(image.get_absolute_url())
    response = client.get(image.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 304


def test_image_content_type_follows_its_format(client):
    from django.core.files.base import ContentFile

    image = ImageFactory(file=ContentFile(picture_bytes(image_format="JPEG"), name="foto.jpg"))
    NewsArticleFactory(image=image)
    assert client.get(image.get_absolute_url())["Content-Type"] == "image/jpeg"


def test_image_with_a_wrong_name_or_missing_file_is_not_found(client, shown):
    image = shown
    assert client.get(url("website:image", image.pk, "anders.png")).status_code == 404
    assert client.get(url("website:image", image.pk + 1, "bild.png")).status_code == 404
    image.file.storage.delete(image.file.name)
    assert client.get(image.get_absolute_url()).status_code == 404


class TestWhoSeesAPicture:
    """A picture is served only to who may see content that shows it (`Image.objects`)."""

    @pytest.fixture
    def draft_picture(self):
        image = ImageFactory()
        NewsArticleFactory(image=image, is_published=False)
        return image

    def test_unpublished_articles_picture_is_not_found(
        self, client, draft_picture, bonn_coordinator, participant
    ):
        assert client.get(draft_picture.get_absolute_url()).status_code == 404
        for user in (bonn_coordinator, participant):
            client.force_login(user)
            assert client.get(draft_picture.get_absolute_url()).status_code == 404

    def test_no_304_for_a_picture_the_reader_may_not_see(self, client, draft_picture):
        response = client.get(
            draft_picture.get_absolute_url(),
            HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT",
        )
        assert response.status_code == 404

    def test_program_office_sees_a_drafts_picture_privately(self, client, draft_picture, office):
        client.force_login(office)
        response = client.get(draft_picture.get_absolute_url())
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-cache"

    def test_scheduled_articles_picture_waits_for_it(self, client):
        image = ImageFactory()
        NewsArticleFactory(image=image, published_at=timezone.now() + timedelta(days=1))
        assert client.get(image.get_absolute_url()).status_code == 404

    def test_published_articles_picture_is_public(self, client, shown, participant):
        assert client.get(shown.get_absolute_url()).status_code == 200
        client.force_login(participant)
        assert client.get(shown.get_absolute_url()).status_code == 200

    @pytest.mark.parametrize("field", ["body", "body_en"])
    @pytest.mark.parametrize("factory", [PageFactory, NewsArticleFactory])
    def test_picture_shown_in_a_published_text_is_public(self, client, factory, field):
        image = ImageFactory()
        other = ImageFactory()
        snippet = f"![Bild]({image.get_absolute_url()})"
        content = factory(**{field: snippet})
        assert client.get(image.get_absolute_url()).status_code == 200
        # Only the picture the text shows.
        assert client.get(other.get_absolute_url()).status_code == 404
        content.is_published = False
        content.save()
        assert client.get(image.get_absolute_url()).status_code == 404

    def test_unused_picture_is_the_program_offices_only(self, client, office):
        image = ImageFactory()
        assert client.get(image.get_absolute_url()).status_code == 404
        client.force_login(office)
        assert client.get(image.get_absolute_url()).status_code == 200

    def test_queryset_public_and_visible_to(self, shown, draft_picture, office, participant):
        from bruecken.website.models import Image

        assert list(Image.objects.public()) == [shown]
        assert list(Image.objects.visible_to(participant)) == [shown]
        assert set(Image.objects.visible_to(office)) == {shown, draft_picture}
