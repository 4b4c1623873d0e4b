"""What crawlers and link previews read, and the security headers on every response."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from bruecken import structured_data
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.security import CONTENT_SECURITY_POLICY

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_staff_areas(client, settings):
    settings.SITE_URL = "https://bruecken.example"
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://bruecken.example/sitemap.xml" in text
    for path in ("/admin/", "/de/actors/", "/en/programs/", "/de/editorial/"):
        assert f"Disallow: {path}" in text
    assert "Disallow: /de/organisations/" not in text


@pytest.mark.django_db
def test_sitemap_lists_consented_organisations_in_both_languages(client, bonn):
    public = OrganisationFactory(municipality=bonn, public=True)
    private = OrganisationFactory(municipality=bonn)
    index = ET.fromstring(  # noqa: S314 – our own response
        client.get("/sitemap.xml").content
    )
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert any("sitemap-organisations.xml" in url for url in sections)

    response = client.get("/sitemap-organisations.xml")
    root = ET.fromstring(  # noqa: S314 – our own response
        response.content
    )
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert any(url.endswith(f"/de/organisations/{public.pk}/") for url in locations)
    assert any(url.endswith(f"/en/organisations/{public.pk}/") for url in locations)
    assert not any(f"/organisations/{private.pk}/" in url for url in locations)
    languages = {link.get("hreflang") for link in root.iter(f"{XHTML}link")}
    assert languages == {"de", "en", "x-default"}


def render(source, path="/de/organisations/", language="de", **context):
    request = RequestFactory().get(path)
    with translation.override(language):
        return Template("{% load seo %}" + source).render(Context({"request": request, **context}))


def test_canonical_and_alternate_links_use_the_public_address(settings):
    settings.SITE_URL = "https://bruecken.example"
    html = render(
        "{% canonical_link %}{% alternate_links %}",
        path="/en/organisations/?page=2",
        language="en",
    )
    assert '<link rel="canonical" href="https://bruecken.example/en/organisations/">' in html
    assert 'hreflang="de" href="https://bruecken.example/de/organisations/"' in html
    assert 'hreflang="en" href="https://bruecken.example/en/organisations/"' in html
    assert 'hreflang="x-default" href="https://bruecken.example/de/organisations/"' in html


def test_open_graph_tags(settings):
    settings.SITE_URL = "https://bruecken.example"
    html = render(
        '{% open_graph title="Leipzig" description=text kind="article" %}',
        path="/en/",
        language="en",
        text="Ein <Prozess>",
    )
    assert '<meta property="og:title" content="Leipzig">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="Ein &lt;Prozess&gt;">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    assert 'property="og:image" content="https://bruecken.example/static/website/og-image.png"' in (
        html
    )


def test_json_ld_cannot_close_its_element():
    html = render("{% json_ld data %}", data={"name": "</script><script>alert(1)</script>"})
    assert html.count("</script>") == 1
    payload = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(payload) == {"name": "</script><script>alert(1)</script>"}


@pytest.mark.django_db
def test_organization_data(bonn, settings):
    settings.SITE_URL = "https://bruecken.example"
    organisation = OrganisationFactory(
        municipality=bonn, public=True, website="https://verein.example", founded=1999
    )
    with translation.override("de"):
        data = structured_data.organization(organisation)
    assert data["@type"] == "Organization"
    assert data["url"] == f"https://bruecken.example/de/organisations/{organisation.pk}/"
    assert data["address"]["addressLocality"] == "Bonn"
    assert data["sameAs"] == "https://verein.example"
    assert data["foundingDate"] == "1999"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/de/", "/en/accounts/login/", "/robots.txt", "/de/nowhere/"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_friendly_not_found_page_in_both_languages(client):
    german = client.get("/de/nirgendwo/")
    english = client.get("/en/nowhere/")
    assert german.status_code == english.status_code == 404
    assert "Seite nicht gefunden" in german.content.decode()
    assert "Page not found" in english.content.decode()
    assert 'href="/en/"' in english.content.decode()
