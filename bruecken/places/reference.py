"""Reference data from maintained sources: ISO 3166 and ISO 639 (pycountry), names in German and
English (CLDR via Babel), UN M49 regions (country_converter), and the checked partnerships of the
model municipalities (data/partnerships.csv, each row with its source)."""

import csv
from pathlib import Path

from babel import Locale
from django.db import transaction

from .models import (
    Country,
    Language,
    Municipality,
    MunicipalityKind,
    Partnership,
    PartnershipKind,
    WorldRegion,
)

PARTNERSHIPS_CSV = Path(__file__).parent / "data" / "partnerships.csv"

# The M49 regions as development policy uses them: the Americas split into their two M49
# sub-groupings. The names are the UN's; which country lies where comes from country_converter.
REGIONS = {
    "002": ("Afrika", "Africa"),
    "142": ("Asien", "Asia"),
    "150": ("Europa", "Europe"),
    "419": ("Lateinamerika und Karibik", "Latin America and the Caribbean"),
    "021": ("Nordamerika", "Northern America"),
    "009": ("Ozeanien", "Oceania"),
    "010": ("Antarktis", "Antarctica"),
}
CONTINENT_REGION = {
    "Africa": "002",
    "Asia": "142",
    "Europe": "150",
    "Oceania": "009",
    "Antarctica": "010",
}
LATIN_AMERICA_SUBREGIONS = {"Caribbean", "Central America", "South America"}

PARTNERSHIP_KINDS = {
    "city partnership": PartnershipKind.CITY,
    "district partnership": PartnershipKind.DISTRICT,
    "project partnership": PartnershipKind.PROJECT,
    "climate partnership": PartnershipKind.CLIMATE,
    "friendship": PartnershipKind.FRIENDSHIP,
    "school exchange": PartnershipKind.SCHOOL_EXCHANGE,
}


def _region_code(continent, subregion):
    if continent == "America":
        return "419" if subregion in LATIN_AMERICA_SUBREGIONS else "021"
    return CONTINENT_REGION[continent]


def _m49_by_iso2():
    import country_converter

    data = country_converter.CountryConverter().data
    result = {}
    for iso2_pattern, continent, subregion in zip(
        data.ISO2, data.continent, data.UNregion, strict=True
    ):
        # country_converter keeps aliases as regular expressions, e.g. "^GB$|^UK$".
        for alternative in str(iso2_pattern).split("|"):
            code = alternative.strip("^$")
            result.setdefault(code, (continent, subregion))
    return result


@transaction.atomic
def load_countries():
    import pycountry

    de, en = Locale("de"), Locale("en")
    for code, (name_de, name_en) in REGIONS.items():
        WorldRegion.objects.update_or_create(
            code=code, defaults={"name_de": name_de, "name_en": name_en}
        )
    regions = {region.code: region for region in WorldRegion.objects.all()}
    m49 = _m49_by_iso2()
    for country in pycountry.countries:
        code = country.alpha_2
        continent, subregion = m49[code]
        Country.objects.update_or_create(
            code=code,
            defaults={
                "name_de": de.territories.get(code, country.name),
                "name_en": en.territories.get(code, country.name),
                "region": regions[_region_code(continent, subregion)],
                "subregion": subregion,
            },
        )


@transaction.atomic
def load_languages():
    import pycountry

    de, en = Locale("de"), Locale("en")
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue
        Language.objects.update_or_create(
            code=code,
            defaults={
                "name_de": de.languages.get(code, language.name),
                "name_en": en.languages.get(code, language.name),
            },
        )


@transaction.atomic
def load_partnerships(path=PARTNERSHIPS_CSV):
    """Load the model municipalities and their partnerships; all rows or none."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        ags = row["municipality_ags"].strip()
        municipality, _created = Municipality.objects.get_or_create(
            ags=ags,
            defaults={
                "name": row["municipality"].strip(),
                "kind": MunicipalityKind.DISTRICT if len(ags) == 5 else MunicipalityKind.CITY,
            },
        )
        municipality.full_clean()
        kind = PARTNERSHIP_KINDS.get(row["kind"].strip())
        if kind is None:
            raise ValueError(f"{path}, line {number}: unknown partnership kind {row['kind']!r}")
        country = Country.objects.filter(code=row["partner_country"].strip()).first()
        if country is None:
            raise ValueError(f"{path}, line {number}: unknown country {row['partner_country']!r}")
        Partnership.objects.update_or_create(
            municipality=municipality,
            partner_name=row["partner"].strip(),
            kind=kind,
            defaults={
                "country": country,
                "since": int(row["since"]) if row["since"].strip() else None,
                "note": row["note"].strip(),
                "source": row["source"].strip(),
            },
        )


def load_all():
    load_countries()
    load_languages()
    load_partnerships()
