"""Countries, world regions and languages loaded from ISO, CLDR and UN M49."""

import pytest
from django.db.models import Count

from bruecken.places.models import Country, Language, Municipality, Partnership, WorldRegion
from bruecken.places.reference import REGIONS, load_all, load_countries, load_languages

pytestmark = pytest.mark.django_db


def test_all_iso_3166_countries():
    assert Country.objects.count() == 249


def test_the_seven_regions():
    assert dict(WorldRegion.objects.values_list("code", "name_en")) == {
        "002": "Africa",
        "142": "Asia",
        "150": "Europe",
        "419": "Latin America and the Caribbean",
        "021": "Northern America",
        "009": "Oceania",
        "010": "Antarctica",
    }
    assert WorldRegion.objects.get(code="419").name_de == "Lateinamerika und Karibik"


def test_every_country_has_a_region():
    assert not Country.objects.filter(region__isnull=True).exists()
    # Every region but none other is used.
    used = set(Country.objects.values_list("region__code", flat=True).distinct())
    assert used == set(REGIONS)


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("GH", "002"),
        ("CI", "002"),
        ("ET", "002"),
        ("BO", "419"),
        ("MX", "419"),
        ("CU", "419"),
        ("US", "021"),
        ("CA", "021"),
        ("GB", "150"),
        ("DE", "150"),
        ("AF", "142"),
        ("VN", "142"),
        ("FJ", "009"),
        ("AQ", "010"),
    ],
)
def test_country_region(code, region):
    assert Country.objects.get(code=code).region.code == region


def test_region_sizes_are_plausible():
    sizes = dict(WorldRegion.objects.annotate(n=Count("countries")).values_list("code", "n"))
    assert sizes["002"] >= 54
    assert sizes["419"] >= 33
    assert 2 <= sizes["021"] <= 10


@pytest.mark.parametrize(
    ("code", "name_de", "name_en"),
    [
        ("DE", "Deutschland", "Germany"),
        ("CI", "Côte d’Ivoire", "Côte d’Ivoire"),
        ("ET", "Äthiopien", "Ethiopia"),
        ("US", "Vereinigte Staaten", "United States"),
        ("BO", "Bolivien", "Bolivia"),
    ],
)
def test_country_names_in_both_languages(code, name_de, name_en):
    country = Country.objects.get(code=code)
    assert (country.name_de, country.name_en) == (name_de, name_en)


def test_subregion_is_kept():
    assert Country.objects.get(code="GH").subregion == "Western Africa"
    assert Country.objects.get(code="BO").subregion == "South America"


def test_iso_639_1_languages():
    assert Language.objects.count() == 184
    assert not Language.objects.exclude(code__regex=r"^[a-z]{2}$").exists()


@pytest.mark.parametrize(
    ("code", "name_de", "name_en"),
    [("de", "Deutsch", "German"), ("sw", "Suaheli", "Swahili"), ("am", "Amharisch", "Amharic")],
)
def test_language_names_in_both_languages(code, name_de, name_en):
    language = Language.objects.get(code=code)
    assert (language.name_de, language.name_en) == (name_de, name_en)


def counts():
    return [
        model.objects.count()
        for model in (WorldRegion, Country, Language, Municipality, Partnership)
    ]


def test_loading_twice_changes_nothing():
    before = counts()
    ids = dict(Country.objects.values_list("code", "pk"))
    partnerships = set(Partnership.objects.values_list("pk", "municipality__ags", "since"))

    load_all()

    assert counts() == before
    assert dict(Country.objects.values_list("code", "pk")) == ids
    assert set(Partnership.objects.values_list("pk", "municipality__ags", "since")) == partnerships


def test_loading_again_repairs_edited_names():
    Country.objects.filter(code="DE").update(name_de="Deutschlandd", name_en="")
    Language.objects.filter(code="de").update(name_en="Germish")

    load_countries()
    load_languages()

    germany = Country.objects.get(code="DE")
    assert (germany.name_de, germany.name_en) == ("Deutschland", "Germany")
    assert Language.objects.get(code="de").name_en == "German"
