"""Reference data shows its name in the active language."""

import pytest
from django.utils import translation

from bruecken.places.models import Country, Language, WorldRegion
from bruecken.places.tests.factories import CountryFactory, LanguageFactory, WorldRegionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "Deutschland"), ("en", "Germany"), ("en-gb", "Germany"), ("de-at", "Deutschland")],
)
def test_name_follows_the_active_language(language, expected):
    germany = Country.objects.get(code="DE")
    with translation.override(language):
        assert germany.name == expected
        assert str(germany) == expected


def test_name_switches_within_one_object():
    region = WorldRegion.objects.get(code="419")
    with translation.override("de"):
        assert region.name == "Lateinamerika und Karibik"
    with translation.override("en"):
        assert region.name == "Latin America and the Caribbean"


def test_without_an_active_language_the_name_is_german():
    language = Language.objects.get(code="sw")
    with translation.override(None):
        assert language.name == "Suaheli"


def test_factories_build_translated_names():
    region = WorldRegionFactory(code="999", name_de="Testregion", name_en="Test region")
    country = CountryFactory(code="ZZ", name_de="Zett", name_en="Zed", region=region)
    language = LanguageFactory(code="zz", name_de="Zettisch", name_en="Zeddish")
    with translation.override("en"):
        assert [str(region), str(country), str(language)] == ["Test region", "Zed", "Zeddish"]
    with translation.override("de"):
        assert [str(region), str(country), str(language)] == ["Testregion", "Zett", "Zettisch"]


def test_sorted_by_name_follows_german_reading_order():
    from bruecken.translation import collation_key

    names = ["Zypern", "Äthiopien", "Österreich", "Angola", "Oman"]
    assert sorted(names, key=collation_key) == [
        "Angola",
        "Äthiopien",
        "Oman",
        "Österreich",
        "Zypern",
    ]
