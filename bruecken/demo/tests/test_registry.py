"""The demo registry's generated names and addresses, checked without building the demo."""

import pytest
from django import forms

from bruecken.demo.registry import (
    DEMONYMS,
    FIRST_NAMES,
    LAST_NAMES,
    MIGRANT_PATTERNS,
    _slug,
    demonym,
    migrant_organisation_name,
)


def test_every_demo_persons_address_passes_the_forms_email_field():
    """The forms' own field (as in the invitation answer and registration forms) accepts every
    address the demo can make, accents folded: Lucía Traoré → luciatraore, Müller → mueller."""
    field = forms.EmailField()
    for first in FIRST_NAMES:
        for last in LAST_NAMES:
            address = f"{_slug(f'{first} {last}')}@mail.example"
            assert field.clean(address) == address
    assert _slug("Lucía Traoré") == "luciatraore"
    assert _slug("Aïcha Müller") == "aichamueller"


@pytest.mark.parametrize(
    ("pattern", "gender", "code", "expected"),
    [
        ("{demonym} Verein {city}", "m", "TR", "Türkischer Verein Bonn"),
        ("{demonym} Frauennetzwerk {city}", "n", "TR", "Türkisches Frauennetzwerk Bonn"),
        ("{demonym} Initiative {city}", "f", "TR", "Türkische Initiative Bonn"),
        ("{demonym} Frauennetzwerk {city}", "n", "ET", "Äthiopisches Frauennetzwerk Bonn"),
        ("Jugend für {country} {city}", "f", "GH", "Jugend für Ghana Bonn"),
    ],
)
def test_the_demonym_agrees_with_the_nouns_gender(pattern, gender, code, expected):
    country = {"TR": "Türkei", "ET": "Äthiopien", "GH": "Ghana"}[code]
    assert migrant_organisation_name(pattern, gender, code, country, "Bonn") == expected


def test_every_pattern_and_country_gives_an_agreeing_name():
    """No 'Türkischer Frauennetzwerk': the ending before each noun is the one of its gender."""
    endings = {"Verein": "er", "Frauennetzwerk": "es"}
    for pattern, gender in MIGRANT_PATTERNS:
        for code in DEMONYMS:
            name = migrant_organisation_name(pattern, gender, code, "Land", "Bonn")
            for noun, ending in endings.items():
                if "{demonym} " + noun in pattern:
                    assert name.startswith(demonym(code, gender) + " " + noun)
                    assert name.split()[0].endswith("isch" + ending), name
