"""The model municipalities and their partnerships, loaded from data/partnerships.csv."""

import csv

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bruecken.places.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    Partnership,
    PartnershipKind,
)
from bruecken.places.reference import PARTNERSHIP_KINDS, PARTNERSHIPS_CSV, load_partnerships

pytestmark = pytest.mark.django_db

HEADER = "municipality,municipality_ags,partner,partner_country,kind,since,note,source\n"
GOOD_ROW = "Stuttgart,08111000,Testort,GH,city partnership,1999,,https://example.org/testort\n"


def csv_rows():
    with open(PARTNERSHIPS_CSV, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("name", "ags", "kind", "state"),
    [
        ("Bonn", "05314000", MunicipalityKind.CITY, FederalState.NW),
        ("Kiel", "01002000", MunicipalityKind.CITY, FederalState.SH),
        ("Leipzig", "14713000", MunicipalityKind.CITY, FederalState.SN),
        ("München", "09162000", MunicipalityKind.CITY, FederalState.BY),
        ("Kreis Düren", "05358", MunicipalityKind.DISTRICT, FederalState.NW),
    ],
)
def test_model_municipality(name, ags, kind, state):
    municipality = Municipality.objects.get(ags=ags)
    assert (municipality.name, municipality.kind, municipality.federal_state) == (name, kind, state)


def test_exactly_the_five_model_municipalities():
    assert sorted(Municipality.objects.values_list("name", flat=True)) == [
        "Bonn",
        "Kiel",
        "Kreis Düren",
        "Leipzig",
        "München",
    ]


def test_eleven_partnerships_each_with_its_source():
    assert Partnership.objects.count() == 11
    assert len(csv_rows()) == 11
    for partnership in Partnership.objects.all():
        assert partnership.source.startswith("https://"), partnership


def test_leipzig_addis_abeba():
    partnership = Partnership.objects.get(municipality__name="Leipzig", partner_name="Addis Abeba")
    assert partnership.country.code == "ET"
    assert partnership.kind == PartnershipKind.CITY
    assert partnership.since == 2004
    assert partnership.source == (
        "https://www.sachsen-fernsehen.de/addis-abeba-platz-feierlich-eingeweiht-231197/"
    )
    assert partnership.note == ""


def test_kreis_dueren_partnerships():
    partnerships = {
        p.partner_name: (p.country.code, p.kind, p.since)
        for p in Partnership.objects.filter(municipality__ags="05358").select_related("country")
    }
    assert partnerships == {
        "Region La Mé": ("CI", PartnershipKind.DISTRICT, 2018),
        "Adzopé": ("CI", PartnershipKind.SCHOOL_EXCHANGE, 2017),
    }


def test_every_csv_row_is_in_the_database():
    for row in csv_rows():
        partnership = Partnership.objects.select_related("municipality", "country").get(
            municipality__ags=row["municipality_ags"],
            partner_name=row["partner"],
            kind=PARTNERSHIP_KINDS[row["kind"]],
        )
        assert partnership.municipality.name == row["municipality"]
        assert partnership.country.code == row["partner_country"]
        assert partnership.since == int(row["since"])
        assert partnership.note == row["note"]
        assert partnership.source == row["source"]


def test_partnerships_per_municipality():
    per_municipality = {m.name: m.partnerships.count() for m in Municipality.objects.all()}
    assert per_municipality == {
        "Bonn": 5,
        "Kiel": 1,
        "Leipzig": 2,
        "München": 1,
        "Kreis Düren": 2,
    }


def test_loading_the_csv_twice_changes_nothing():
    before = list(Partnership.objects.values_list("pk", "country__code", "since", "source"))
    municipalities = list(Municipality.objects.values_list("pk", "ags", "kind", "federal_state"))

    load_partnerships()

    assert list(Partnership.objects.values_list("pk", "country__code", "since", "source")) == before
    assert list(Municipality.objects.values_list("pk", "ags", "kind", "federal_state")) == (
        municipalities
    )


def test_a_new_row_is_loaded(tmp_path):
    path = tmp_path / "partnerships.csv"
    path.write_text(HEADER + GOOD_ROW, encoding="utf-8")

    load_partnerships(path)

    partnership = Partnership.objects.get(partner_name="Testort")
    assert partnership.municipality.name == "Stuttgart"
    assert partnership.municipality.kind == MunicipalityKind.CITY
    assert partnership.municipality.federal_state == FederalState.BW
    assert (partnership.country.code, partnership.since) == ("GH", 1999)


def test_a_row_updates_an_existing_partnership(tmp_path):
    path = tmp_path / "partnerships.csv"
    path.write_text(
        HEADER + "Leipzig,14713000,Addis Abeba,ET,city partnership,2005,corrected,https://x.org/\n",
        encoding="utf-8",
    )

    load_partnerships(path)

    partnership = Partnership.objects.get(municipality__ags="14713000", partner_name="Addis Abeba")
    assert (partnership.since, partnership.note, partnership.source) == (
        2005,
        "corrected",
        "https://x.org/",
    )
    assert Partnership.objects.count() == 11


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (
            "Bonn,05314000,Somewhere,GH,twinning,2001,,https://example.org/\n",
            "unknown partnership kind 'twinning'",
        ),
        (
            "Bonn,05314000,Somewhere,XX,city partnership,2001,,https://example.org/\n",
            "unknown country 'XX'",
        ),
    ],
)
def test_a_bad_row_loads_nothing_at_all(tmp_path, bad_row, message):
    path = tmp_path / "partnerships.csv"
    path.write_text(
        HEADER
        + GOOD_ROW
        + "Leipzig,14713000,Addis Abeba,ET,city partnership,1999,changed,https://x.org/\n"
        + bad_row,
        encoding="utf-8",
    )
    partnerships = Partnership.objects.count()
    municipalities = Municipality.objects.count()

    with pytest.raises(ValueError, match=rf"line 4: {message}"):
        load_partnerships(path)

    # The rows before the bad one are not there either.
    assert not Partnership.objects.filter(partner_name="Testort").exists()
    assert not Municipality.objects.filter(ags="08111000").exists()
    assert Partnership.objects.get(partner_name="Addis Abeba").since == 2004
    assert Partnership.objects.count() == partnerships
    assert Municipality.objects.count() == municipalities
    assert not Partnership.objects.filter(partner_name="Somewhere").exists()


def test_a_row_with_an_invalid_key_loads_nothing(tmp_path):
    path = tmp_path / "partnerships.csv"
    path.write_text(
        HEADER + GOOD_ROW + "Nowhere,99000000,Elsewhere,GH,city partnership,2001,,\n",
        encoding="utf-8",
    )

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        load_partnerships(path)

    assert "state" in [error.code for error in excinfo.value.error_dict["ags"]]

    assert not Municipality.objects.filter(ags__in=["08111000", "99000000"]).exists()
    assert not Partnership.objects.filter(partner_name__in=["Testort", "Elsewhere"]).exists()
