"""The type-ahead choice among many: suggestions as an HTML datalist, and what a typed text
resolves to."""

import pytest
from django import forms

from bruecken.places.models import Municipality
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.widgets import TypeAheadChoiceField

pytestmark = pytest.mark.django_db


class Form(forms.Form):
    municipality = TypeAheadChoiceField(
        queryset=Municipality.objects.order_by("name"), key_field="ags", name_fields=["name"]
    )


@pytest.fixture
def places(db):
    return [
        MunicipalityFactory(name="Leipzig", ags="14713000"),
        MunicipalityFactory(name="Neustadt", ags="07000001"),
        MunicipalityFactory(name="Neustadt", ags="09000001"),
    ]


def test_suggestions_are_a_datalist_of_name_and_key(places):
    form = Form()
    form.fields["municipality"].suggest(places[:2])
    html = str(form["municipality"])
    assert 'list="id_municipality-suggestions"' in html
    assert '<datalist id="id_municipality-suggestions">' in html
    assert '<option value="Leipzig (14713000)"></option>' in html
    assert 'autocomplete="off"' in html


@pytest.mark.parametrize("typed", ["Leipzig (14713000)", " leipzig ", "14713000", "LEIPZIG"])
def test_a_suggestion_a_unique_name_or_the_key(places, typed):
    form = Form({"municipality": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["municipality"] == places[0]


def test_a_name_two_share_asks_for_the_suggestion(places):
    form = Form({"municipality": "Neustadt"})
    assert not form.is_valid()
    assert "Neustadt" in form.errors["municipality"][0]
    form = Form({"municipality": "Neustadt (09000001)"})
    assert form.is_valid()
    assert form.cleaned_data["municipality"] == places[2]


@pytest.mark.parametrize(
    "typed", ["Atlantis", "\x00", "Leipzig (\x00)", "x" * 5000, "Leipzig (99999999999999999999)"]
)
def test_anything_else_is_a_validation_error(places, typed):
    form = Form({"municipality": typed})
    assert not form.is_valid()
    assert form.errors["municipality"]


def test_an_object_or_its_id_shows_as_its_suggestion(places):
    assert 'value="Leipzig (14713000)"' in str(Form(initial={"municipality": places[0]}))
    assert 'value="Leipzig (14713000)"' in str(Form(initial={"municipality": places[0].pk}))


def test_names_with_brackets(db):
    frankfurt = MunicipalityFactory(name="Frankfurt (Oder)", ags="12053000")
    for typed in ("Frankfurt (Oder)", "Frankfurt (Oder) (12053000)"):
        form = Form({"municipality": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["municipality"] == frankfurt
