"""No page offers a choice among many as a select list: with more than a hundred organisations,
people, municipalities and countries in the database, every page the program office and a
coordinator reach (crawled as the fuzz test does, every form on it) has no <select> with more
than 100 options. Choices among many are type-ahead pickers (bruecken/pickers.py)."""

import re

import pytest
from django.test import Client

from bruecken.actors.models import Person
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.guide.tests.conftest import (  # noqa: F401 (fixtures)
    accepted,
    categories,
    goal,
    process,
    result,
)
from bruecken.places.models import Country
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.tests.test_fuzz import Fuzzer, _user, _world

MANY = 101
SELECT = re.compile(r"<select\b.*?</select>", re.S)
OPTION = re.compile(r"<option\b")


class SelectCounter(Fuzzer):
    """Crawls as the fuzzer does and notes every select list longer than MANY - 1 options."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.long_selects = []
        self.pages = []

    def send(self, method, path, pairs, what):
        response = super().send(method, path, pairs, what)
        if path.startswith("/admin/"):
            return response
        if response is not None and "text/html" in response.get("Content-Type", ""):
            self.pages.append(path)
            for select in SELECT.findall(response.content.decode(errors="replace")):
                options = len(OPTION.findall(select))
                if options >= MANY:
                    name = re.search(r'name="([^"]*)"', select)
                    self.long_selects.append((path, name.group(1) if name else "?", options))
        return response


@pytest.mark.parametrize("role", ["office", "coordinator"])
def test_no_select_offers_more_than_a_hundred_options(role, process, accepted, language_reset):  # noqa: F811
    person = _world(process, accepted)
    municipality = process.municipality
    MunicipalityFactory.create_batch(MANY)
    OrganisationFactory.create_batch(MANY, municipality=municipality)
    PersonFactory.create_batch(MANY, municipality=municipality)
    assert Country.objects.count() > MANY
    assert Person.objects.filter(municipality=municipality).count() > MANY
    user = _user(role, process, person)
    crawler = SelectCounter(Client(), role, user)
    crawler.login()
    # The staff area only: the admin (Django's own) is not ours to change.
    forms = crawler.crawl(["/de/actors/", "/de/programs/", "/de/events/", "/de/"])
    assert len(crawler.pages) > 40, crawler.pages
    for form_page in ("/members/new/", "/ties/new/", "/organisations/new/", "/people/new/"):
        assert any(path.endswith(form_page) for path in crawler.pages), form_page
    assert forms
    assert not crawler.long_selects, crawler.long_selects
