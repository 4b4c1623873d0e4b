"""The public news: list, article and Atom feed show only what is published and due, in the
visitor's language with German where there is no English version."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from bruecken.tests.helpers import url_maker

from .factories import ImageFactory, NewsArticleFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


url = url_maker(None, language="de")


@pytest.fixture
def news(bonn):
    now = timezone.now()
    return {
        "published": NewsArticleFactory(
            slug="veroeffentlicht",
            title="Veröffentlicht",
            title_en="Published",
            summary="Kurz gesagt.",
            summary_en="In short.",
            body="# Überschrift\n\nText auf Deutsch.",
            body_en="English text.",
            published_at=now - timedelta(days=1),
            municipality=bonn,
            image=ImageFactory(alt="Ein Rathaus", alt_en="A town hall", credit="Stadt Bonn"),
        ),
        "german_only": NewsArticleFactory(
            slug="nur-deutsch",
            title="Nur auf Deutsch",
            summary="Nur deutsche Zusammenfassung.",
            body="Nur deutscher Text.",
            published_at=now - timedelta(days=2),
        ),
        "draft": NewsArticleFactory(slug="entwurf", title="Entwurf", is_published=False),
        "future": NewsArticleFactory(
            slug="zukunft", title="Zukunft", published_at=now + timedelta(hours=1)
        ),
    }


def test_list_shows_published_and_due_news_newest_first(client, news):
    response = client.get(url("website:news_list"))
    assert response.status_code == 200
    titles = [article.title for article in response.context["page"].object_list]
    assert titles == ["Veröffentlicht", "Nur auf Deutsch"]
    content = response.content.decode()
    assert "Entwurf" not in content
    assert "Zukunft" not in content
    assert news["published"].image.get_absolute_url() in content
    assert "Kurz gesagt." in content


def test_list_is_paginated(client, db):
    now = timezone.now()
    for number in range(12):
        NewsArticleFactory(title=f"Meldung {number:02}", published_at=now - timedelta(hours=number))
    first = client.get(url("website:news_list"))
    assert len(first.context["page"].object_list) == 10
    assert 'rel="next"' in first.content.decode()
    second = client.get(url("website:news_list") + "?page=2")
    assert [a.title for a in second.context["page"].object_list] == ["Meldung 10", "Meldung 11"]


def test_list_needs_a_constant_number_of_queries(client, django_assert_max_num_queries, db):
    for _number in range(8):
        NewsArticleFactory(image=ImageFactory())
    with django_assert_max_num_queries(4):
        client.get(url("website:news_list"))


def test_list_in_english_falls_back_to_german_and_marks_it(client, news):
    content = client.get(url("website:news_list", language="en")).content.decode()
    assert ">Published</a>" in content
    assert re.search(r'<h2 id="news-\d+" lang="de"><a [^>]*>Nur auf Deutsch</a>', content)
    assert '<p lang="de">Nur deutsche Zusammenfassung.</p>' in content
    assert "<p>In short.</p>" in content


def test_article_page(client, news):
    article = news["published"]
    response = client.get(url("website:news_article", article.slug))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 id="article-title">Veröffentlicht</h1>' in content
    # The text's own headings come below the page's h1.
    assert content.count("<h1") == 1
    assert "<h2>Überschrift</h2>" in content
    assert 'alt="Ein Rathaus"' in content
    assert "Stadt Bonn" in content


def test_article_has_open_graph_and_json_ld(client, news, settings):
    settings.SITE_URL = "https://bruecken.example"
    article = news["published"]
    content = client.get(url("website:news_article", article.slug)).content.decode()
    image_url = "https://bruecken.example" + article.image.get_absolute_url()
    assert f'<meta property="og:image" content="{image_url}">' in content
    assert '<meta property="og:type" content="article">' in content
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    )
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Veröffentlicht"
    assert data["image"] == image_url


def test_article_in_english(client, news):
    content = client.get(url("website:news_article", "veroeffentlicht", language="en")).content
    content = content.decode()
    assert '<h1 id="article-title">Published</h1>' in content
    assert "English text." in content
    assert 'alt="A town hall"' in content


def test_article_falls_back_to_german_with_its_language_marked(client, news):
    content = client.get(url("website:news_article", "nur-deutsch", language="en")).content
    content = content.decode()
    assert '<h1 id="article-title" lang="de">Nur auf Deutsch</h1>' in content
    assert '<div class="content-body" lang="de"><p>Nur deutscher Text.</p>' in content


@pytest.mark.parametrize("key", ["draft", "future"])
def test_drafts_and_future_articles_are_not_found(client, news, key, office):
    assert client.get(url("website:news_article", news[key].slug)).status_code == 404
    # Not even for the program office: it sees drafts in the editorial area.
    client.force_login(office)
    assert client.get(url("website:news_article", news[key].slug)).status_code == 404


def test_article_text_is_sanitised(client, db):
    article = NewsArticleFactory(
        body="<script>alert(1)</script><img src=x onerror=alert(2)>"
        "![Zähler](https://tracker.example/p.gif)"
    )
    content = client.get(url("website:news_article", article.slug)).content.decode()
    assert "alert(" not in content
    assert "tracker.example" not in content


def feed(client, language="de"):
    response = client.get(url("website:news_feed", language=language))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 – our own feed


def test_feed_lists_only_published_and_due_news_with_absolute_links(client, news, settings):
    settings.SITE_URL = "https://bruecken.example"
    root = feed(client)
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Veröffentlicht",
        "Nur auf Deutsch",
    ]
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert links == [
        "https://bruecken.example/de/news/veroeffentlicht/",
        "https://bruecken.example/de/news/nur-deutsch/",
    ]
    assert entries[0].findtext(f"{ATOM}summary") == "Kurz gesagt."
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "https://bruecken.example/de/news/feed.atom"
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "https://bruecken.example/de/news/"
    )


def test_feed_in_english_with_german_fallback(client, news):
    root = feed(client, "en")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Published",
        "Nur auf Deutsch",
    ]
    assert entries[0].findtext(f"{ATOM}summary") == "In short."
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/en/news/veroeffentlicht/")


def test_empty_feed_is_valid(client, db):
    root = feed(client)
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}title")
