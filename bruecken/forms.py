"""Form fields every app's forms use for dates, so that no typed date breaks a page.

Years outside 1900–2200 (the API's limits too) are refused with a message: a datetime in year 1
overflowed when converted to UTC (a 500), and one in year 9999 would overflow later, when a
reminder or an end is computed from it. `formfield` gives model forms these fields."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 1900
LAST_YEAR = 2200
YEAR_MESSAGE = _("Please enter a date between the years %(first)s and %(last)s.")
# The scheme of a web address typed without one (Django 6's default; Django 5 still takes http).
ASSUMED_SCHEME = "https"


def _check_year(value):
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            YEAR_MESSAGE, code="year_range", params={"first": FIRST_YEAR, "last": LAST_YEAR}
        )


class DateField(forms.DateField):
    def to_python(self, value):
        value = super().to_python(value)
        _check_year(value)
        return value


class DateTimeField(forms.DateTimeField):
    def to_python(self, value):
        try:
            value = super().to_python(value)
        except OverflowError:
            # Parsed, but beyond the calendar once converted to the current time zone.
            _check_year(datetime.date.min)
        _check_year(value)
        return value


def formfield(model_field, **kwargs):
    """A model form's field for `model_field`: the dates above; web addresses typed without a
    scheme are taken as https (Django 6's default)."""
    if isinstance(model_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateTimeField)
    elif isinstance(model_field, models.DateField):
        kwargs.setdefault("form_class", DateField)
    elif isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = ASSUMED_SCHEME
    return model_field.formfield(**kwargs)
