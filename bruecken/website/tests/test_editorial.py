"""The editorial area: only the program office; news and pages with a preview, pictures, and the
messages from the public forms."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from bruecken.accounts.models import AuditEntry
from bruecken.programs.tests.factories import ProgramFactory
from bruecken.tests.helpers import url_maker
from bruecken.website.models import ContactMessage, Image, NewsArticle, Page

from .factories import (
    ContactMessageFactory,
    ImageFactory,
    NewsArticleFactory,
    PageFactory,
    picture_bytes,
)

pytestmark = pytest.mark.django_db

NEWS_FORM = {
    "title": "Kiel startet",
    "title_en": "",
    "summary": "Der Initiativworkshop in Kiel.",
    "summary_en": "",
    "body": "## Ablauf\n\nWir beginnen um 10 Uhr.",
    "body_en": "",
    "image": "",
    "municipality": "",
    "is_published": "on",
    "published_at": "2026-03-01T10:00",
}
PAGE_FORM = {
    "slug": "ueber-uns",
    "purpose": "other",
    "title": "Über uns",
    "title_en": "About us",
    "body": "Wer wir sind.",
    "body_en": "Who we are.",
    "published_at": "2026-03-01T10:00",
}


url = url_maker(None, language="de")


def editorial_urls():
    article = NewsArticleFactory()
    page = PageFactory()
    message = ContactMessageFactory()
    return [
        ("get", url("website:editorial")),
        ("get", url("website:editorial_news_create")),
        ("get", url("website:editorial_news_update", article.pk)),
        ("get", url("website:editorial_page_create")),
        ("get", url("website:editorial_page_update", page.pk)),
        ("get", url("website:editorial_images")),
        ("get", url("website:editorial_messages")),
        ("post", url("website:editorial_preview")),
        ("post", url("website:editorial_message_handled", message.pk)),
    ]


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


# Who may enter


def test_visitors_are_sent_to_log_in(client):
    for method, address in editorial_urls():
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(url("accounts:login")), address


def test_other_roles_are_refused(client, bonn_coordinator):
    client.force_login(bonn_coordinator)
    for method, address in editorial_urls():
        assert getattr(client, method)(address).status_code == 403, address
    assert ContactMessage.objects.get().handled_at is None


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_program_office_enters(office_client, language):
    for method, address in editorial_urls():
        if method == "get":
            address = address.replace("/de/", f"/{language}/", 1)
            assert office_client.get(address).status_code == 200, address


# Overview


def test_overview_shows_states_and_unhandled_messages(office_client):
    now = timezone.now()
    NewsArticleFactory(title="Entwurf", is_published=False)
    NewsArticleFactory(title="Geplant", published_at=now + timedelta(days=3))
    NewsArticleFactory(title="Erschienen")
    PageFactory(title="Impressum", purpose=Page.Purpose.IMPRINT)
    ContactMessageFactory.create_batch(2)
    ContactMessageFactory(handled_at=now)
    response = office_client.get(url("website:editorial", language="en"))
    content = response.content.decode()
    assert response.context["unhandled"] == 2
    for title, state in [
        ("Entwurf", "draft"),
        ("Geplant", "scheduled"),
        ("Erschienen", "published"),
    ]:
        assert re.search(
            rf">{title}</a></th>\s*<td[^>]*><span class=\"badge [\w-]+\">{state}</span>", content
        )
    assert "Impressum" in content
    assert "Messages: 2 unhandled" in content


# News


def test_writing_news(office_client, office, kiel):
    ProgramFactory(municipalities=[kiel])
    image = ImageFactory()
    response = office_client.post(
        url("website:editorial_news_create"),
        {**NEWS_FORM, "image": image.pk, "municipality": kiel.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == url("website:editorial")
    article = NewsArticle.objects.get()
    assert (article.slug, article.image, article.municipality) == ("kiel-startet", image, kiel)
    assert article.is_published
    # Entered as German time.
    assert timezone.localtime(article.published_at).hour == 10
    assert AuditEntry.objects.filter(object_type="website.newsarticle", user=office).exists()


def test_the_news_picture_is_picked_by_its_text_alternative(office_client, bonn_coordinator):
    rathaus = ImageFactory(alt="Das Kieler Rathaus", credit="Stadt Kiel")
    ImageFactory(alt="Ein Brunnen")
    page = office_client.get(url("website:editorial_news_create")).content.decode()
    # A picker, not a list of every picture.
    assert 'name="image__search"' in page
    assert '<select name="image"' not in page
    found = office_client.get(url("picker", "images"), {"q": "rathaus"}).json()
    size = f"{rathaus.width} × {rathaus.height}"
    assert found["results"] == [
        {"value": str(rathaus.pk), "label": "Das Kieler Rathaus", "hint": f"Stadt Kiel, {size}"}
    ]
    # Pictures of drafts only for the program office, who writes the website.
    other = Client()
    assert other.get(url("picker", "images"), {"q": "rathaus"}).json()["results"] == []
    other.force_login(bonn_coordinator)
    assert other.get(url("picker", "images"), {"q": "rathaus"}).json()["results"] == []


def test_editing_news(office_client):
    article = NewsArticleFactory(title="Alt")
    response = office_client.post(
        url("website:editorial_news_update", article.pk), {**NEWS_FORM, "title": "Neu"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Neu"


def test_news_with_a_foreign_image_is_refused_on_its_field(office_client):
    response = office_client.post(
        url("website:editorial_news_create", language="en"),
        {**NEWS_FORM, "body_en": "![Logo](https://cdn.example/logo.png)"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "is not on this website" in form.errors["body_en"][0]
    content = response.content.decode()
    assert '<a href="#id_body_en">' in content
    assert re.search(r'<textarea name="body_en"[^>]*aria-invalid="true"', content)
    assert not NewsArticle.objects.exists()


def test_news_image_without_text_alternative_is_refused(office_client):
    response = office_client.post(
        url("website:editorial_news_create"), {**NEWS_FORM, "body": "![](/de/images/1/a.png)"}
    )
    assert "body" in response.context["form"].errors
    assert not NewsArticle.objects.exists()


def test_preview_shows_the_text_and_saves_nothing(office_client):
    response = office_client.post(
        url("website:editorial_news_create"),
        {
            **NEWS_FORM,
            "title_en": "Kiel starts",
            "body_en": "# Plan\n\n<script>alert(1)</script>**Bold**",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    assert not NewsArticle.objects.exists()
    content = response.content.decode()
    preview = content.split('id="preview-area"')[1]
    assert "Preview (not saved yet)" in preview or "Vorschau" in preview
    # Below the preview's headings (h2, h3 per language).
    assert "<h4>Ablauf</h4>" in preview
    assert "<h4>Plan</h4>" in preview
    assert "<strong>Bold</strong>" in preview
    assert "alert(" not in content.split("<footer")[0].split("</textarea>")[-1]
    assert 'lang="en"' in preview
    # The form keeps what was typed.
    assert "Kiel starts" in content


def test_preview_lists_what_would_be_refused(office_client):
    response = office_client.post(
        url("website:editorial_news_create", language="en"),
        {**NEWS_FORM, "body": "![](https://cdn.example/a.png)", "preview": "1"},
    )
    preview = response.content.decode().split('id="preview-area"')[1]
    assert "This text cannot be saved yet" in preview
    assert "cdn.example/a.png" in preview
    assert "<img" not in preview


def test_preview_in_place_for_htmx(office_client):
    response = office_client.post(
        url("website:editorial_preview"),
        {"title": "Titel", "body": "Text mit **Betonung**"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<!DOCTYPE" not in content
    assert "<strong>Betonung</strong>" in content
    assert 'id="preview-status" hx-swap-oob="innerHTML"' in content


def test_the_preview_button_works_with_and_without_htmx(office_client):
    content = office_client.get(url("website:editorial_news_create")).content.decode()
    button = re.search(r'<button type="submit" name="preview"[^>]*>', content).group(0)
    assert f'hx-post="{url("website:editorial_preview")}"' in button
    assert 'hx-target="#preview-area"' in button
    assert 'id="preview-status"' in content


def test_the_preview_endpoint_takes_posts_only(office_client):
    assert office_client.get(url("website:editorial_preview")).status_code == 405


# Pages


def test_creating_and_editing_a_page(office_client):
    response = office_client.post(url("website:editorial_page_create"), PAGE_FORM)
    assert response.status_code == 302
    page = Page.objects.get()
    assert (page.slug, page.title_en, page.is_published) == ("ueber-uns", "About us", False)
    response = office_client.post(
        url("website:editorial_page_update", page.pk), {**PAGE_FORM, "is_published": "on"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.is_published


def test_a_second_imprint_is_refused_with_a_clear_message(office_client):
    PageFactory(title="Impressum", purpose=Page.Purpose.IMPRINT)
    response = office_client.post(
        url("website:editorial_page_create", language="en"),
        {**PAGE_FORM, "purpose": "imprint"},
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["purpose"]
    assert "“Impressum” is the imprint (Impressum) already" in error
    assert Page.objects.count() == 1


def test_a_taken_page_address_is_refused(office_client):
    PageFactory(slug="ueber-uns")
    response = office_client.post(url("website:editorial_page_create", language="en"), PAGE_FORM)
    assert response.context["form"].errors["slug"] == ["Another page has this address already."]


# Images


def test_uploading_a_picture(office_client, office):
    response = office_client.post(
        url("website:editorial_images"),
        {
            "file": SimpleUploadedFile("Plakat.png", picture_bytes((2000, 1000)), "image/png"),
            "alt": "Plakat des Workshops",
            "alt_en": "Poster of the workshop",
            "credit": "Servicestelle",
        },
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (1600, 800)
    assert image.uploaded_by == office
    # Stored under a random name, not the uploaded file's: its address cannot be guessed.
    name = image.file.name.rsplit("/", 1)[-1]
    assert "plakat" not in name.lower()
    assert len(name.removesuffix(".png")) >= 24
    page = office_client.get(url("website:editorial_images")).content.decode()
    assert f"![Plakat des Workshops]({image.get_absolute_url()})" in page
    assert f"![Poster of the workshop]({image.get_absolute_url()})" in page
    assert f'src="{image.get_absolute_url()}" alt="Plakat des Workshops"' in page


def test_a_picture_needs_a_text_alternative_and_must_be_a_picture(office_client):
    response = office_client.post(
        url("website:editorial_images", language="en"),
        {"file": SimpleUploadedFile("a.png", b"kein Bild", "image/png"), "alt": ""},
    )
    assert response.status_code == 200
    assert "alt" in response.context["form"].errors
    response = office_client.post(
        url("website:editorial_images", language="en"),
        {"file": SimpleUploadedFile("a.png", b"kein Bild", "image/png"), "alt": "Bild"},
    )
    assert "not a JPEG, PNG or WebP picture" in response.context["form"].errors["file"][0]
    assert not Image.objects.exists()


# Messages


def test_the_inbox_lists_unhandled_messages(office_client):
    ContactMessageFactory(subject="Offen", message="Bitte melden Sie sich.")
    ContactMessageFactory(subject="Erledigt", handled_at=timezone.now())
    content = office_client.get(url("website:editorial_messages")).content.decode()
    assert "Offen" in content and "Bitte melden Sie sich." in content
    assert "Erledigt" not in content
    content = office_client.get(url("website:editorial_messages") + "?show=all").content.decode()
    assert "Erledigt" in content


def test_marking_a_message_as_handled(office_client, office):
    message = ContactMessageFactory()
    response = office_client.post(url("website:editorial_message_handled", message.pk))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.handled_by == office
    # Twice: a message, not an error page.
    response = office_client.post(url("website:editorial_message_handled", message.pk), follow=True)
    assert response.status_code == 200
    assert "handled already" in response.content.decode() or "bereits" in (
        response.content.decode()
    )


def test_handling_takes_posts_only(office_client):
    message = ContactMessageFactory()
    assert (
        office_client.get(url("website:editorial_message_handled", message.pk)).status_code == 405
    )
