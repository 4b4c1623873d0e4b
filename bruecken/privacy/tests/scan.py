"""Search every text and JSON column of every table for given texts: what an erasure must have
left nowhere."""

import json

from django.apps import apps
from django.db import models

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def text_columns():
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        fields = [f.attname for f in meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if fields:
            yield model, fields


def find(*needles):
    """[(model label, pk, field)] of every row whose text holds one of `needles` (any case)."""
    needles = [needle.casefold() for needle in needles if needle]
    found = []
    for model, fields in text_columns():
        for row in model._base_manager.values_list("pk", *fields).iterator():
            pk, values = row[0], row[1:]
            for field, value in zip(fields, values, strict=True):
                if value is None:
                    continue
                if isinstance(value, dict | list):
                    text = json.dumps(value, ensure_ascii=False)
                else:
                    text = str(value)
                if any(needle in text.casefold() for needle in needles):
                    found.append((model._meta.label, pk, field))
    return found
