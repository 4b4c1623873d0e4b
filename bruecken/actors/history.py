"""The audit log, readable: field names in the user's language."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _


def _label(model, name):
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _value(value):
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return ", ".join(value)
    return value or "–"


def describe_entries(entries):
    described = []
    for entry in entries:
        try:
            model = apps.get_model(entry.object_type)
        except (LookupError, ValueError):
            model = None
        described.append(
            {
                "entry": entry,
                "object_type": model._meta.verbose_name if model else entry.object_type,
                "changes": [
                    {"field": _label(model, name), "old": _value(old), "new": _value(new)}
                    for name, (old, new) in entry.changes.items()
                ],
            }
        )
    return described
