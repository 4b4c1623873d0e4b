"""The official municipality key (AGS): its shape per kind of municipality, and the federal state
it names."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bruecken.places.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    validate_ags,
)

CITY = MunicipalityKind.CITY
DISTRICT = MunicipalityKind.DISTRICT
MUNICIPALITY = MunicipalityKind.MUNICIPALITY


def error_code(ags, kind):
    with pytest.raises(ValidationError) as excinfo:
        validate_ags(ags, kind)
    return excinfo.value.code


@pytest.mark.parametrize(
    ("ags", "kind"),
    [
        ("05314000", CITY),  # Bonn
        ("01002000", CITY),  # Kiel
        ("16077001", MUNICIPALITY),  # Altenburg, the last state number
        ("05358", DISTRICT),  # Kreis Düren
        ("01051", DISTRICT),
    ],
)
def test_valid_keys_pass(ags, kind):
    assert validate_ags(ags, kind) is None


@pytest.mark.parametrize(
    ("ags", "kind"),
    [
        ("0531400", CITY),
        ("053140001", CITY),
        ("0535", DISTRICT),
        ("053580", DISTRICT),
        # A district key is no city key and the other way round.
        ("05314000", DISTRICT),
        ("05358", CITY),
        ("05358", MUNICIPALITY),
    ],
)
def test_length_depends_on_the_kind(ags, kind):
    assert error_code(ags, kind) == "length"


@pytest.mark.parametrize(
    "ags",
    [
        "",
        None,
        "0531400a",
        "05 14000",
        " 05314000",
        "05314000\n",
        "05-314-000",
        # Digits of other scripts are not the digits of an official key.
        "05٣١٤٠٠٠",
        "０５３１４０００",
    ],
)
def test_only_ascii_digits(ags):
    assert error_code(ags, CITY) == "digits"


@pytest.mark.parametrize("ags", ["00000000", "17000000", "99123456", "00358"])
def test_key_starts_with_a_federal_state_number(ags):
    kind = DISTRICT if len(ags) == 5 else CITY
    assert error_code(ags, kind) == "state"


def test_every_federal_state_number_is_accepted():
    for number in range(1, 17):
        validate_ags(f"{number:02d}000000", CITY)
    assert len(FederalState.values) == 16


def messages(ags, kind, language):
    with translation.override(language):
        try:
            validate_ags(ags, kind)
        except ValidationError as error:
            return error.messages
    raise AssertionError(f"{ags!r} passed as a {kind}")


@pytest.mark.parametrize(
    ("ags", "kind", "english"),
    [
        ("0531400x", CITY, "The official key (AGS) consists of digits only."),
        ("05358", CITY, "A city's or municipality's official key (AGS) has 8 digits."),
        ("05358", MUNICIPALITY, "A city's or municipality's official key (AGS) has 8 digits."),
        ("05314000", DISTRICT, "A district's official key (AGS) has 5 digits."),
        (
            "17000000",
            CITY,
            "The official key (AGS) must start with a federal state number from 01 to 16.",
        ),
    ],
)
def test_error_messages_are_translated(ags, kind, english):
    assert messages(ags, kind, "en") == [english]
    german = messages(ags, kind, "de")
    assert len(german) == 1
    assert german != [english]
    assert "AGS" in german[0]


def test_clean_derives_the_federal_state_from_the_key():
    municipality = Municipality(name="Leipzig", kind=CITY, ags="14713000")
    municipality.clean()
    assert municipality.federal_state == FederalState.SN


def test_clean_accepts_a_matching_federal_state():
    municipality = Municipality(
        name="Kreis Düren", kind=DISTRICT, ags="05358", federal_state=FederalState.NW
    )
    municipality.clean()
    assert municipality.federal_state == "05"


def test_clean_refuses_a_federal_state_that_contradicts_the_key():
    municipality = Municipality(name="Bonn", kind=CITY, ags="05314000", federal_state="09")
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            municipality.clean()
        assert excinfo.value.message_dict == {
            "federal_state": ["The official key (AGS) belongs to Nordrhein-Westfalen."]
        }
    assert municipality.federal_state == "09"


@pytest.mark.parametrize(
    ("ags", "kind", "code"),
    [("5314000", CITY, "length"), ("05314000", DISTRICT, "length"), ("1800000x", CITY, "digits")],
)
def test_clean_checks_the_key(ags, kind, code):
    with pytest.raises(ValidationError) as excinfo:
        Municipality(name="X", kind=kind, ags=ags).clean()
    assert [error.code for error in excinfo.value.error_dict["ags"]] == [code]


@pytest.mark.django_db
def test_full_clean_of_a_new_municipality():
    municipality = Municipality(name="Altenburg", kind=MUNICIPALITY, ags="16077001")
    municipality.full_clean()
    assert municipality.federal_state == FederalState.TH

    municipality = Municipality(name="Altenburg", kind=DISTRICT, ags="16077001")
    with pytest.raises(ValidationError) as excinfo:
        municipality.full_clean()
    assert [e.code for e in excinfo.value.error_dict["ags"]] == ["length"]


@pytest.mark.django_db
def test_save_fills_in_the_federal_state():
    municipality = Municipality.objects.create(name="Kiel-Test", kind=CITY, ags="01002999")
    municipality.refresh_from_db()
    assert municipality.federal_state == FederalState.SH
    assert municipality.get_federal_state_display() == "Schleswig-Holstein"
