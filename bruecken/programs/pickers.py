"""The programs' picker sources (bruecken/pickers.py): goals and results, the public ones for
everyone and those of the user's municipalities for staff (the one rule, `visible_to`)."""

from bruecken import pickers

from .models import Goal, Result


def _search_goals(queryset, text):
    return pickers.search_fields("title", "title_en")(queryset, text).order_by("-pk")


def _search_results(queryset, text):
    return pickers.search_fields("text", "text_en")(queryset, text).order_by("-pk")


def _short(text, length=120):
    return text if len(text) <= length else text[: length - 1] + "…"


def register():
    pickers.register(
        "goals",
        model=Goal,
        objects=lambda user: Goal.objects.visible_to(user),
        search=_search_goals,
        label=lambda goal: goal.title,
        hint=lambda goal: goal.process.municipality.name,
        related=("process__municipality",),
    )
    pickers.register(
        "results",
        model=Result,
        objects=lambda user: Result.objects.visible_to(user),
        search=_search_results,
        label=lambda result: _short(result.text),
        hint=lambda result: (
            f"{result.workshop.process.municipality.name}, {result.get_kind_display()}"
            if result.workshop.process_id
            else result.get_kind_display()
        ),
        related=("workshop__process__municipality",),
    )
