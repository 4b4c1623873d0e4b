"""The report pages reference only our own resources and hold no inline script, style or event
handler (the website's checker, `website/tests/test_own_resources.py`); the PDF's stylesheet
loads nothing."""

import re

import pytest
from django.contrib.staticfiles import finders

from bruecken.website.tests.test_own_resources import ResourceParser, is_ours


@pytest.mark.parametrize("language", ["de", "en"])
def test_report_pages_use_only_our_own_resources(client, directory, bonn, office, language):
    pages = [f"/{language}/reports/municipalities/{bonn.pk}/organisations/"]
    client.force_login(office)
    pages.append(f"/{language}/reports/processes/{directory.process.pk}/")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        parser = ResourceParser()
        parser.feed(response.content.decode())
        assert parser.problems == [], path
        assert [url for url in parser.urls if not is_ours(url)] == [], path


def test_document_stylesheet_loads_nothing():
    with open(finders.find("reports/document.css"), encoding="utf-8") as handle:
        css = handle.read()
    assert not re.findall(r"url\(", css)
    assert "@import" not in css
