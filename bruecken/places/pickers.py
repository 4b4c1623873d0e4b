"""The places' picker sources (bruecken/pickers.py): municipalities, countries, languages.
Reference data, the same for everyone."""

from django.db.models import Case, Q, When

from bruecken import pickers
from bruecken.translation import collation_key, is_english

from .models import Country, Language, Municipality


def _search_municipalities(queryset, text):
    words = pickers.words(text)
    for word in words:
        queryset = queryset.filter(Q(name__icontains=word) | Q(ags__startswith=word))
    if not words:
        return queryset.none()
    # Names that start with what was typed first: "Bonn" before "Lübbonn".
    starts = Q(name__istartswith=words[0]) | Q(ags__startswith=words[0])
    return queryset.annotate(picker_rank=Case(When(starts, then=0), default=1)).order_by(
        "picker_rank", "name", "pk"
    )


def _umlauts_spelled_out(text):
    # "ae" for "ä": both sides alike, so that "aethiop" finds "Äthiopien".
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _search_named(queryset, text):
    """Reference data (a few hundred rows) named in both languages, or typed as its code;
    folded as a reader does ("athiop", "Äthiop" and "aethiop" find Äthiopien), in the page's
    language's order. Folded here, not in SQL: SQLite's LIKE ignores the case of ASCII only."""
    keys = [key for key in (collation_key(word) for word in pickers.words(text)) if key]
    if not keys:
        return queryset.none()
    rows = queryset.model._default_manager.values_list("pk", "code", "name_de", "name_en")
    spelled = [_umlauts_spelled_out(key) for key in keys]
    found, first = [], []
    for pk, code, *names in rows:
        folded = [_umlauts_spelled_out(collation_key(name)) for name in names]
        text = " ".join(folded)
        if all(key == code.lower() or key in text for key in spelled):
            found.append(pk)
            # Names that start with what was typed come first: "Ghan" is Ghana, not Afghanistan.
            if spelled[0] == code.lower() or any(name.startswith(spelled[0]) for name in folded):
                first.append(pk)
    name = "name_en" if is_english() else "name_de"
    return (
        queryset.filter(pk__in=found)
        .annotate(picker_rank=Case(When(pk__in=first, then=0), default=1))
        .order_by("picker_rank", name, "pk")
    )


def register():
    pickers.register(
        "municipalities",
        model=Municipality,
        objects=lambda user: Municipality.objects.all(),
        search=_search_municipalities,
        label=lambda m: m.name,
        hint=lambda m: f"{m.get_kind_display()}, {m.ags}",
        keys=("pk", "ags"),
    )
    pickers.register(
        "countries",
        model=Country,
        objects=lambda user: Country.objects.all(),
        search=_search_named,
        label=lambda c: c.name,
        hint=lambda c: c.code,
        keys=("pk", "code"),
    )
    pickers.register(
        "languages",
        model=Language,
        objects=lambda user: Language.objects.all(),
        search=_search_named,
        label=lambda lang: lang.name,
        hint=lambda lang: lang.code,
        keys=("pk", "code"),
    )
