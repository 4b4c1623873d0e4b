"""The events' picker source (bruecken/pickers.py): workshops, as far as the user may see them
(the one rule, `visible_to`), found by their title as the full-text search finds it (word
parts and umlauts folded, bruecken/fulltext/)."""

from django.utils import formats

from bruecken import fulltext, pickers

from .models import Event


def _search_workshops(queryset, text):
    if not fulltext.query_terms(text):
        # Only signs that are no letters (a control character, an emoji): no match.
        return queryset.none()
    return queryset.search(pickers.clean_text(text), columns=(fulltext.NAME,))


def _workshop_hint(event):
    where = event.process.municipality.name if event.process_id else ""
    when = formats.date_format(event.starts_at, "SHORT_DATE_FORMAT") if event.starts_at else ""
    return ", ".join(part for part in (where, when) if part)


def register():
    pickers.register(
        "workshops",
        model=Event,
        # A process's events: the workshops a recommendation cites, none cancelled.
        objects=lambda user: Event.objects.visible_to(user).filter(
            process__isnull=False, cancelled_at__isnull=True
        ),
        search=_search_workshops,
        label=lambda event: event.title,
        hint=_workshop_hint,
        related=("process__municipality",),
    )
