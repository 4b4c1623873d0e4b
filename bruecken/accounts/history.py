"""The audit log, readable: field names, choices, dates and times in the reader's language and
time zone, and the German text the entries keep marked as German on pages in other languages.

The audit stores values as text (accounts/audit.py): a choice as the label the writer saw (in
the writer's language), a date or time as ISO text in UTC. Both are turned back here."""

import re
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

# The language of what staff write (titles, descriptions, names); English versions are fields
# of their own ending in "_en".
CONTENT_LANGUAGE = settings.LANGUAGE_CODE
# Values that are no text of anyone's language.
NEUTRAL_FIELDS = (
    models.BooleanField,
    models.DateField,  # DateTimeField too
    models.DurationField,
    models.TimeField,
    models.IntegerField,
    models.DecimalField,
    models.FloatField,
    models.EmailField,
    models.URLField,
)


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(field, name):
    return str(getattr(field, "verbose_name", name))


@cache
def _choice_labels(field):
    """Every form a choice is stored in (its value, its label in each language) → its label."""
    labels = {}
    for value, label in field.flatchoices:
        labels[str(value)] = label
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                labels[str(label)] = label
    return labels


class Text(str):
    """A value as shown, with the language of its text where that is not the page's
    (`{{ change.new }}`, `{{ change.new.lang }}`)."""

    lang = ""


def _text(value, lang=""):
    text = Text(value)
    text.lang = lang
    return text


def _value(field, name, value):
    """The stored value as the reader reads it, with the language of its text where that is
    not the page's."""
    if value is None or value == "" or value == []:
        return _text("–")
    if value is True:
        return _text(_("yes"))
    if value is False:
        return _text(_("no"))
    if getattr(field, "choices", None) and isinstance(value, str):
        label = _choice_labels(field).get(value)
        if label is not None:
            return _text(str(label))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        instant = parse_datetime(value)
        if instant is not None:
            if timezone.is_aware(instant):
                instant = timezone.localtime(instant)
            return _text(formats.date_format(instant, "DATETIME_FORMAT"))
    elif isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return _text(formats.date_format(day, "DATE_FORMAT"))
    text = ", ".join(value) if isinstance(value, list) else str(value)
    if name.endswith("_en"):  # The English version of a content field.
        return _text(text, "" if _page_language() == "en" else "en")
    return _text(text, "" if isinstance(field, NEUTRAL_FIELDS) else _content_lang())


def _page_language():
    return (translation.get_language() or CONTENT_LANGUAGE).split("-")[0]


def _content_lang():
    """lang for German content on this page: none where the page is German itself."""
    return "" if _page_language() == CONTENT_LANGUAGE else CONTENT_LANGUAGE


@cache
def _model_choices(model):
    """The choice labels of a model's fields, and a pattern finding them in parentheses."""
    labels = {}
    for field in model._meta.get_fields():
        if getattr(field, "choices", None) and not field.is_relation:
            labels.update(_choice_labels(field))
    if not labels:
        return labels, None
    names = sorted((re.escape(name) for name in labels), key=len, reverse=True)
    return labels, re.compile(rf"\(({'|'.join(names)})\)")


def _object_parts(model, text):
    """The object's text as it was recorded, with the choice labels some models name in
    parentheses (a registration's status) in the reader's language: [Text]."""
    lang = _content_lang()
    if model is None:
        return [_text(text, lang)]
    labels, pattern = _model_choices(model)
    if pattern is None:
        return [_text(text, lang)]
    parts = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(_text(text[position : match.start()], lang))
        parts.append(_text(f"({labels[match[1]]})"))
        position = match.end()
    parts.append(_text(text[position:], lang))
    return [part for part in parts if part]


def _html(parts):
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<span lang="{}">{}</span>', part.lang, part),) if part.lang else (part,)
            for part in parts
        ),
    )


def describe_entries(entries):
    described = []
    for entry in entries:
        try:
            model = apps.get_model(entry.object_type)
        except (LookupError, ValueError):
            model = None
        changes = []
        for name, (old, new) in entry.changes.items():
            field = _field(model, name)
            changes.append(
                {
                    "field": _label(field, name),
                    "old": _value(field, name, old),
                    "new": _value(field, name, new),
                }
            )
        described.append(
            {
                "entry": entry,
                "object_type": model._meta.verbose_name if model else entry.object_type,
                "object": _html(_object_parts(model, entry.object_repr)),
                "changes": changes,
            }
        )
    return described
