"""The demo content of the public website: news and the pages every installation needs."""

import io

import pytest

from bruecken.tests.helpers import url_maker
from bruecken.website.models import Image, NewsArticle, Page
from bruecken.website.tests.factories import PageFactory

pytestmark = pytest.mark.django_db


url = url_maker(None, language="de")


def test_demo_content_is_complete_and_made_once(client, reference_data):
    from bruecken.demo.website import create_demo_website, demo_website_exists
    from bruecken.markup import content_problems

    assert not demo_website_exists()
    assert create_demo_website() == (3, 4)
    assert demo_website_exists()
    assert create_demo_website() == (0, 0)
    assert Image.objects.count() == 1
    leipzig = NewsArticle.objects.get(municipality__ags="14713000")
    assert leipzig.image.alt and leipzig.image.alt_en
    for item in [*NewsArticle.objects.all(), *Page.objects.all()]:
        assert item.is_visible()
        assert item.title_en and item.body_en
        assert content_problems(item.body) == content_problems(item.body_en) == []
    statement = Page.objects.get(purpose=Page.Purpose.ACCESSIBILITY).body
    for part in ("Stand der Vereinbarkeit", "Nicht barrierefreie Inhalte", "Schlichtung"):
        assert part in statement
    assert "{date}" not in statement
    # The rights and periods come from the settings, below the office's text.
    privacy = client.get(url("website:privacy", language="de")).content.decode()
    for article in ("Art. 15", "Art. 16", "Art. 17", "Art. 18 und 21", "Art. 77 DSGVO"):
        assert article in privacy
    assert "180 Tage" in privacy
    for name in ("imprint", "privacy", "accessibility", "easy_language"):
        for language in ("de", "en"):
            assert client.get(url(f"website:{name}", language=language)).status_code == 200
    assert client.get(leipzig.image.get_absolute_url()).status_code == 200


def test_demo_content_leaves_pages_the_office_wrote(reference_data):
    from bruecken.demo.website import create_demo_website

    own = PageFactory(purpose=Page.Purpose.IMPRINT, slug="unser-impressum", title="Unseres")
    assert create_demo_website() == (3, 3)
    assert Page.objects.get(purpose=Page.Purpose.IMPRINT) == own


def test_the_demo_command_loads_the_website_content(settings, reference_data):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    assert NewsArticle.objects.count() == 3
    assert Page.objects.count() == 4
    output = io.StringIO()
    call_command("demo", stdout=output)
    assert "Demo website content already present" in output.getvalue()
    assert NewsArticle.objects.count() == 3
