"""Deleting a category, a draft edition or a chapter asks first (bruecken.web.confirm_first)."""

import pytest
from django.urls import reverse
from django.utils import translation

from bruecken.guide import services
from bruecken.guide.models import Category, Chapter, ChapterKind, Edition

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "yes"}


def url(name, *args):
    with translation.override("en"):
        return reverse(f"guide:{name}", args=args)


def asks(response, *texts):
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="confirm" value="yes"' in content
    for text in texts:
        assert text in content, text


@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_category(client, office, method):
    category = Category.objects.create(name="Sport", position=99)
    client.force_login(office)
    asks(getattr(client, method)(url("category_delete", category.pk)), "“Sport”")
    assert Category.objects.filter(pk=category.pk).exists()
    client.post(url("category_delete", category.pk), CONFIRM)
    assert not Category.objects.filter(pk=category.pk).exists()


def test_delete_draft(client, office, edition):
    client.force_login(office)
    asks(client.post(url("edition_delete", edition.pk)), "“Praxisleitfaden”", "chapters")
    assert Edition.objects.exists()
    client.post(url("edition_delete", edition.pk), CONFIRM)
    assert not Edition.objects.exists()


def test_delete_chapter(client, office, edition):
    chapter = services.add_chapter(
        office, edition, {"kind": ChapterKind.TEXT, "title": "Dank", "text": "Danke"}
    )
    client.force_login(office)
    asks(client.post(url("chapter_delete", chapter.pk)), "Remove the chapter “Dank”?")
    assert Chapter.objects.filter(pk=chapter.pk).exists()
    client.post(url("chapter_delete", chapter.pk), CONFIRM)
    assert not Chapter.objects.filter(pk=chapter.pk).exists()


def test_others_are_refused_before_being_asked(client, bonn_coordinator, edition):
    client.force_login(bonn_coordinator)
    assert client.get(url("edition_delete", edition.pk)).status_code in (403, 404)
