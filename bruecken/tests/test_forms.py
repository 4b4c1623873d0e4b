"""The shared date fields and the `in` lookup: hostile values are validation errors or match
nothing, never an exception."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from bruecken import forms as safe
from bruecken.places.models import Municipality


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00", "0001-01-02T10:00", "9999-12-31T23:59", "1899-12-31T10:00"]
)
def test_a_datetime_outside_the_years_is_refused(value):
    field = safe.DateTimeField()
    with timezone.override("Europe/Berlin"), pytest.raises(ValidationError) as refused:
        field.clean(value)
    assert refused.value.code == "year_range"


def test_the_refusal_is_in_german_on_german_pages():
    with translation.override("de"):
        with pytest.raises(ValidationError) as refused:
            safe.DateField().clean("0001-01-01")
        assert "zwischen" in refused.value.messages[0]


def test_dates_within_the_years_are_taken():
    assert safe.DateField().clean("2200-12-31").year == 2200
    assert safe.DateTimeField().clean("1900-01-01T00:00").year == 1900


def test_an_id_no_row_can_have_matches_nothing(db, bonn):
    huge = 10**20
    assert list(Municipality.objects.filter(pk__in=[huge, -huge])) == []
    assert list(Municipality.objects.filter(pk__in=[huge, bonn.pk])) == [bonn]
