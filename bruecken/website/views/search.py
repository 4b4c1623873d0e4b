"""The global search for staff: the box in the staff bar finds organisations, people, events,
goals, results and recommendations by a word of their text (bruecken/fulltext/). Each group
holds what the user may see (the models' `visible_to`), the best matches first; the overview
shows the first few of each group, a group's own page all of them, page by page."""

from dataclasses import dataclass

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from bruecken import fulltext
from bruecken.actors.models import Organisation, Person
from bruecken.events.models import Event
from bruecken.guide.models import Recommendation
from bruecken.programs.models import Goal, LocalProcess, Result
from bruecken.web import staff_area

# Rows per group on the overview, and per page of one group.
OVERVIEW_SIZE = 5
PAGE_SIZE = 25


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    rows: object  # user -> the queryset of what the user may see


KINDS = [
    Kind(
        "organisations",
        _("Organisations"),
        lambda user: Organisation.objects.visible_to(user).select_related("municipality"),
    ),
    Kind(
        "people",
        _("People"),
        lambda user: Person.objects.visible_to(user).select_related("municipality"),
    ),
    Kind(
        "events",
        _("Events"),
        lambda user: Event.objects.visible_to(user).select_related("process__municipality"),
    ),
    Kind(
        "goals",
        _("Goals"),
        lambda user: Goal.objects.visible_to(user).select_related("process__municipality"),
    ),
    Kind(
        "results",
        _("Results"),
        lambda user: Result.objects.visible_to(user).select_related(
            "workshop__process__municipality"
        ),
    ),
    Kind(
        "recommendations",
        _("Recommendations"),
        lambda user: Recommendation.objects.visible_to(user).select_related("program"),
    ),
]
BY_KEY = {kind.key: kind for kind in KINDS}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("all")), *((kind.key, kind.title) for kind in KINDS)],
    )


def _searched(user, rows, q):
    """`rows` found by `q` as `user` may search them: actors by their private details and a
    person by an e-mail address only where `user` may see those (`search_as`)."""
    if hasattr(rows, "search_as"):
        return rows.search_as(user, q)
    return rows.search(q)


def _address(q, kind=None):
    query = {"q": q, **({"kind": kind} if kind else {})}
    return f"{reverse('website:search')}?{urlencode(query)}"


# Goals and results link to the page they are shown on, if this user may open it: kind ->
# (the model whose visible_to() decides, the row's key to it, the page).
LINKED_THROUGH = {
    "goals": (LocalProcess, "process_id", "programs:process_detail"),
    "results": (Event, "workshop_id", "events:event_detail"),
}


def _links(user, kind, rows):
    """Where each row's title leads (None: no page this user may open), in one query per
    group at most: goals to their process's dashboard, results to their workshop."""
    if kind not in LINKED_THROUGH:
        return {row.pk: row.get_absolute_url() for row in rows}
    model, key, url_name = LINKED_THROUGH[kind]
    allowed = set(
        model.objects.visible_to(user)
        .filter(pk__in={getattr(row, key) for row in rows})
        .values_list("pk", flat=True)
    )
    return {
        row.pk: reverse(url_name, args=[getattr(row, key)])
        if getattr(row, key) in allowed
        else None
        for row in rows
    }


def _attach_links(user, kind, rows):
    links = _links(user, kind, rows)
    for row in rows:
        row.search_link = links[row.pk]
    return rows


@staff_area
def search(request):
    form = SearchForm(request.GET)
    form.is_valid()
    q = form.cleaned_data.get("q", "") if "q" not in form.errors else ""
    chosen = BY_KEY.get(form.cleaned_data.get("kind") or "")
    searched = bool(fulltext.query_terms(q))
    if not searched:
        chosen = None
    context = {"form": form, "q": q, "searched": searched, "kind": chosen, "groups": []}
    if chosen:
        searched = _searched(request.user, chosen.rows(request.user), q)
        page = fulltext.Paginator(searched, PAGE_SIZE).get_page(request.GET.get("page"))
        _attach_links(request.user, chosen.key, page.object_list)
        context.update(page=page, overview_url=_address(q))
    elif searched:
        for kind in KINDS:
            found = _searched(request.user, kind.rows(request.user), q)
            rows = _attach_links(request.user, kind.key, fulltext.head(found, OVERVIEW_SIZE))
            count = len(rows) if len(rows) < OVERVIEW_SIZE else found.count()
            context["groups"].append(
                {
                    "kind": kind,
                    "rows": rows,
                    "count": count,
                    "more_url": _address(q, kind.key) if count > len(rows) else None,
                }
            )
        context["total"] = sum(group["count"] for group in context["groups"])
    return render(request, "website/search.html", context)
