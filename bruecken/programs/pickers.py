"""The programs' picker sources (bruecken/pickers.py): goals and results, the public ones for
everyone and those of the user's municipalities for staff (the one rule, `visible_to`)."""

from django.utils.translation import gettext as _

from bruecken import pickers

from .models import Goal, Result


def _search_goals(queryset, text):
    return pickers.search_fields("title", "title_en")(queryset, text).order_by("-pk")


def _search_results(queryset, text):
    return pickers.search_fields("text", "text_en")(queryset, text).order_by("-pk")


def _rated_goal_hint(goal):
    """Where the goal is pursued and how its evaluation workshop rated it: what an author citing
    goals as evidence weighs."""
    rating = getattr(goal, "rating", None)
    judged = rating.get_rating_display() if rating else _("not rated yet")
    return f"{goal.process.municipality.name}, {judged}"


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
    # The same goals with their rating as the hint (a recommendation's evidence).
    pickers.register(
        "rated_goals",
        model=Goal,
        objects=lambda user: Goal.objects.visible_to(user),
        search=_search_goals,
        label=lambda goal: goal.title,
        hint=_rated_goal_hint,
        related=("process__municipality", "rating"),
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
