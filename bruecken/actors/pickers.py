"""The actors' picker sources (bruecken/pickers.py): organisations and people as far as the
user may see them (the one rule, `visible_to`), and topics."""

from django.db.models import Q

from bruecken import fulltext, pickers
from bruecken.translation import is_english

from .models import Organisation, Person, Topic


def _search_names(queryset, text):
    """By name (umlauts, case and accents aside, each word as a prefix: "athiop" finds
    "Äthiopischer Verein"), ranked: the one full-text search (bruecken/fulltext/), in the
    name only, so that a picker tells nothing about text the user may not read."""
    if not fulltext.query_terms(text):
        # Only signs that are no letters (a control character, an emoji): no match.
        return queryset.none()
    return queryset.search(pickers.clean_text(text), columns=(fulltext.NAME,))


def _search_topics(queryset, text):
    for word in pickers.words(text):
        queryset = queryset.filter(Q(name_de__icontains=word) | Q(name_en__icontains=word))
    return queryset.order_by("position", "pk")


def _organisation_hint(organisation):
    return f"{organisation.municipality.name}, {organisation.get_kind_display()}"


def register():
    pickers.register(
        "organisations",
        model=Organisation,
        objects=lambda user: Organisation.objects.visible_to(user),
        search=_search_names,
        label=lambda o: o.name,
        hint=_organisation_hint,
        related=("municipality",),
    )
    pickers.register(
        "people",
        model=Person,
        objects=lambda user: Person.objects.visible_to(user),
        search=_search_names,
        label=lambda p: p.name,
        hint=lambda p: p.municipality.name if p.municipality else "",
        related=("municipality",),
    )
    pickers.register(
        "topics",
        model=Topic,
        objects=lambda user: Topic.objects.all(),
        search=_search_topics,
        label=lambda t: t.name_en if is_english() else t.name_de,
        keys=("pk", "code"),
    )
