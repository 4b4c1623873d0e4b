"""The advisory picker sources (bruecken/pickers.py): the advisory seminars a user sees, and
the staff they may name as advisor."""

from django.utils import formats, timezone

from bruecken import pickers
from bruecken.accounts.models import User
from bruecken.events.models import Event

from .models import advisor_choices, advisory_seminars


def _seminar_hint(event):
    if event.starts_at is None:
        return ""
    return formats.date_format(timezone.localtime(event.starts_at).date(), "SHORT_DATE_FORMAT")


def register():
    pickers.register(
        "advisory_seminars",
        model=Event,
        objects=advisory_seminars,
        search=pickers.search_fields("title", "title_en", "topic"),
        label=lambda e: e.title,
        hint=_seminar_hint,
    )
    pickers.register(
        "advisors",
        model=User,
        objects=advisor_choices,
        search=pickers.search_fields("full_name", "email"),
        label=str,
        hint=lambda u: u.email if u.full_name else "",
    )
