"""No third-party requests: every page type, rendered in both languages, references only
resources served by us, and has no inline script, style or event handler (the CSP would block
them anyway; this finds them before a browser does). Every POST form carries a CSRF token."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.events.tests.factories import EventFactory
from bruecken.places.tests.factories import PartnershipFactory
from bruecken.programs.tests.factories import LocalProcessFactory
from bruecken.website.models import Image, NewsArticle, Page

# Attributes that make a browser fetch something, by tag.
FETCHED = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "track": ["src"],
    "iframe": ["src"],
    "frame": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "input": ["src"],
    "form": ["action"],
}
FETCHED_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}


class ResourceParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.problems = [], []
        self._open_script = None
        self._post_form = self._form_has_token = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
        for name in FETCHED.get(tag, []):
            value = attributes.get(name)
            if value:
                self.urls.extend(self._split(name, value))
        if tag == "link" and FETCHED_LINK_RELS & set((attributes.get("rel") or "").split()):
            self.urls.append(attributes.get("href", ""))
        if tag == "meta" and attributes.get("property", "").startswith("og:image"):
            self.urls.append(attributes.get("content", ""))
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self._open_script = attributes
        if tag == "form":
            self._post_form = (attributes.get("method") or "get").lower() == "post"
            self._form_has_token = False
        if tag == "input" and attributes.get("name") == "csrfmiddlewaretoken":
            self._form_has_token = True

    def handle_data(self, data):
        attributes = self._open_script
        if (
            attributes is not None
            and data.strip()
            and not attributes.get("src")
            and attributes.get("type") != "application/ld+json"
        ):
            self.problems.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._open_script = None
        if tag == "form" and self._post_form and not self._form_has_token:
            self.problems.append("POST form without CSRF token")

    @staticmethod
    def _split(name, value):
        if name == "srcset":
            return [part.strip().split()[0] for part in value.split(",") if part.strip()]
        return [value]


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), "white").save(buffer, "PNG")
    return buffer.getvalue()


def is_ours(url):
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return not url.startswith("//")
    return parts.scheme in ("http", "https") and parts.netloc in {
        urlsplit(settings.SITE_URL).netloc,
        "testserver",
    }


@pytest.fixture
def site(db, bonn, settings):
    settings.SITE_URL = "https://bruecken.example"
    process = LocalProcessFactory(municipality=bonn)
    process.program.municipalities.add(bonn)
    PartnershipFactory(municipality=bonn)
    organisation = OrganisationFactory(
        municipality=bonn, public=True, website="https://verein.example"
    )
    event = EventFactory(process=process, description="Offener Workshop")
    image = Image.objects.create(file=ContentFile(png_bytes(), name="test.png"), alt="Ein Bild")
    article = NewsArticle.objects.create(
        slug="start",
        title="Start",
        summary="Es geht los.",
        body=f"![Ein Bild]({image.get_absolute_url()})",
        image=image,
        is_published=True,
        published_at=timezone.now(),
    )
    Page.objects.create(
        slug="barrierefreiheit",
        purpose=Page.Purpose.ACCESSIBILITY,
        title="Erklärung zur Barrierefreiheit",
        body="Text",
        is_published=True,
    )
    page = Page.objects.create(
        slug="ueber-uns",
        title="Über uns",
        body="![Ein Bild](/de/images/1/a.png)",
        is_published=True,
    )
    today = timezone.localdate()
    return [
        "/{lang}/",
        f"/{{lang}}/program/{process.program.pk}/",
        f"/{{lang}}/municipalities/{bonn.pk}/",
        "/{lang}/organisations/?q=verein",
        f"/{{lang}}/organisations/{organisation.pk}/",
        "/{lang}/calendar/",
        f"/{{lang}}/calendar/{today.year}/{today.month}/",
        f"/{{lang}}/participate/events/{event.pk}/",
        "/{lang}/news/",
        f"/{{lang}}/news/{article.slug}/",
        f"/{{lang}}/pages/{page.slug}/",
        "/{lang}/accessibility/",
        "/{lang}/contact/",
        "/{lang}/accounts/login/",
        "/{lang}/nowhere/",
    ]


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_type_uses_only_our_own_resources(client, site, language):
    checked = 0
    for template in site:
        path = template.format(lang=language)
        response = client.get(path)
        assert response.status_code in (200, 404), path
        parser = ResourceParser()
        parser.feed(response.content.decode())
        assert parser.problems == [], path
        foreign = [url for url in parser.urls if not is_ours(url)]
        assert foreign == [], path
        checked += len(parser.urls)
    assert checked > len(site) * 3


def test_our_stylesheets_load_nothing_from_elsewhere():
    for name in ["css/app.css"]:
        with open(finders.find(name), encoding="utf-8") as handle:
            css = handle.read()
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            assert is_ours(url) or url.startswith("data:"), url
        assert "@import" not in css


def test_the_parser_finds_what_it_must():
    parser = ResourceParser()
    parser.feed(
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
        '<img src="/ok.png" srcset="https://img.example/a.png 2x">'
        '<script>alert(1)</script><script type="application/ld+json">{}</script>'
        '<p style="color:red" onclick="x()">'
        '<form method="post"><button>Go</button></form>'
    )
    assert [url for url in parser.urls if not is_ours(url)] == [
        "https://cdn.example/x.css",
        "https://img.example/a.png",
    ]
    assert parser.problems == [
        "inline script: alert(1)",
        "style attribute on <p>",
        "event handler onclick on <p>",
        "POST form without CSRF token",
    ]
