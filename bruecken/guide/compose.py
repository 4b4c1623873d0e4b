"""The content of a guideline edition as plain data (a JSON-able dict): the snapshot a
publication freezes, and from which every output (web edition, PDF, DOCX, comparison) is
rendered. Nothing rendered from a snapshot reads the database again, so later changes to
results, goals or organisations never change a published edition.

Dates and labels are written into the snapshot already formatted in the edition's language."""

import datetime

from django.db.models import Count
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bruecken import figures as contributed_figures
from bruecken.actors.models import Organisation, OrganisationKind
from bruecken.cache import cached_for_version
from bruecken.events.models import Event, Registration
from bruecken.programs.models import Goal, LocalProcess, Result, ResultStatus

from .models import ChapterKind, Recommendation

SNAPSHOT_VERSION = 1

# What the method section of the annex says, unless the chapter's own text replaces it.
METHOD = [
    gettext_noop(
        "Each model municipality ran its local process from the program's template: an "
        "initiative workshop of decision makers and multipliers fixed the goals, extended "
        "workshops opened the process to more actors, and the initiative circle rated the goals "
        "in an evaluation workshop."
    ),
    gettext_noop(
        "The recommendations were proposed by the facilitators and municipal coordinators from "
        "the recorded results, goals and workshops, and reviewed and accepted by the program "
        "office. Each recommendation names the evidence it was drawn from."
    ),
    gettext_noop(
        "Participants per workshop: those recorded as attending; where attendance was not "
        "recorded, the confirmed registrations."
    ),
    gettext_noop(
        "Network figures: organisations of the municipality and the ties between them (recorded "
        "ties, joint attendance at workshops, shared responsibility for goals and results), on "
        "the day before the first workshop and on the day of the last workshop held. Cross-group "
        "share: the share of ties between migrant organisations and the municipal side; E-I "
        "index (Krackhardt & Stern): from −1 (all ties within the groups) to +1 (all across)."
    ),
    gettext_noop(
        "Only goals and results the municipalities marked for publication are quoted, and only "
        "organisations that consented to publication are listed."
    ),
]


def _date(value):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "DATE_FORMAT")


def _number(value, digits=2):
    if value is None:
        return "–"
    return formats.number_format(round(value, digits), digits)


def compose(edition, now=None, figures=True):
    """The snapshot of `edition` as its sources stand now. figures=False: without the network
    figures of each municipality (most of the work; what keeps a draft from being published
    does not depend on them)."""
    now = now or timezone.now()
    with translation.override(edition.language):
        program = edition.program
        chapters = []
        for position, chapter in enumerate(edition.chapters.order_by("position", "id"), 1):
            data = {
                "kind": chapter.kind,
                "title": chapter.title,
                "text": chapter.text,
                "anchor": f"chapter-{position}",
                "number": position,
            }
            if chapter.kind == ChapterKind.PROGRAM:
                data["program"] = program_data(program)
            elif chapter.kind == ChapterKind.MUNICIPALITIES:
                data["municipalities"] = municipalities_data(
                    program, now, figures, contributed=chapter.with_figures
                )
            elif chapter.kind == ChapterKind.RECOMMENDATIONS:
                data["categories"] = recommendations_data(program)
            elif chapter.kind == ChapterKind.ANNEX:
                data["organisations"] = organisations_data(program)
                data["method"] = [_(paragraph) for paragraph in METHOD]
            chapters.append(data)
        return {
            "version": SNAPSHOT_VERSION,
            "language": edition.language,
            "title": edition.title,
            "foreword": edition.foreword,
            "program_name": program.name,
            "office": program.office,
            "number": edition.number,
            "date": _date(edition.published_at or now),
            # W3C date-time in UTC: the documents' creation date (PDF and DOCX metadata).
            "published_at": (edition.published_at or now)
            .astimezone(datetime.UTC)
            .replace(microsecond=0)
            .isoformat(),
            "chapters": chapters,
        }


def composed(edition, figures=True):
    """The draft's content as `compose` gives it, kept until something it shows changes: the
    content version (counted up by every change to actors, programs, events, places and the
    guide's own chapters and recommendations), the day (network figures and dates), and the
    workshops held so far (an event that starts makes a workshop held without any change).
    At 1,000 municipalities a compose takes seconds; the composer shows its problems on every
    load. Publishing composes afresh."""
    now = timezone.now()
    held = Event.objects.filter(
        process__program=edition.program_id, cancelled_at__isnull=True, starts_at__lte=now
    ).count()
    day = timezone.localdate(now).isoformat()
    key = f"guide-compose:{edition.pk}:{int(figures)}:{day}:{held}"
    return cached_for_version(key, lambda: compose(edition, now=now, figures=figures))


def program_data(program):
    template = program.template
    return {
        "name": program.name,
        "office": program.office,
        "description": program.description,
        "period": _("%(start)s to %(end)s")
        % {"start": _date(program.starts_on), "end": _date(program.ends_on)},
        "municipalities": sorted(m.name for m in program.municipalities.all()),
        "template": template.name,
        "template_description": template.description,
        "steps": [
            {
                "position": step.position,
                "title": step.title,
                "kind": step.get_kind_display(),
                "participants": (
                    f"{step.capacity_min}–{step.capacity_max}"
                    if step.capacity_min
                    else str(step.capacity_max)
                ),
                "admission": step.get_admission_display(),
                "purpose": step.purpose,
            }
            for step in template.steps.order_by("position")
        ],
    }


def _participants(workshops):
    """How many took part in each workshop (`Registration.objects.participants`: those recorded
    as attending, or, where attendance was not recorded, the confirmed registrations)."""
    rows = (
        Registration.objects.participants()
        .filter(event__in=workshops)
        .order_by()
        .values("event_id")
        .annotate(n=Count("id"))
    )
    return {row["event_id"]: row["n"] for row in rows}


def _network_figures(program, process):
    from bruecken.network.graph import load_network, snapshot_dates, to_igraph
    from bruecken.network.metrics import summary

    today = timezone.localdate()
    days = [day for day in snapshot_dates(process) if day <= today]
    if len(days) < 2:
        return None
    network = load_network(program=program, municipality=process.municipality)
    figures = {}
    for key, day in (("before", days[0]), ("after", days[-1])):
        values = summary(to_igraph(network, until=day))
        figures[key] = {
            "date": _date(day),
            "nodes": values["nodes"],
            "edges": values["edges"],
            "edges_across": values["edges_across"],
            "density": _number(values["density"], 3),
            "cross_share": _number(values["cross_share"]),
            "ei_index": _number(values["ei_index"]),
        }
    return figures


def _contributed_figures(processes, now):
    """The figures the apps above contribute per municipality (bruecken/figures.py), as plain
    data in the edition's language: {municipality id: [{"label", "value", "total"}]}."""
    found = contributed_figures.for_municipalities([p.municipality_id for p in processes], now)
    return {
        municipality_id: [
            {"key": f.key, "label": str(f.label), "value": f.value, "total": f.total}
            for f in figures
        ]
        for municipality_id, figures in found.items()
    }


def municipalities_data(program, now, figures=True, contributed=False):
    """Each municipality's workshops, goals, results and network figures; with `contributed`,
    the figures the apps contribute too (the chapter's option)."""
    processes = list(
        LocalProcess.objects.filter(program=program)
        .select_related("municipality")
        .order_by("municipality__name", "pk")
    )
    held = Event.objects.filter(
        process__in=processes, cancelled_at__isnull=True, starts_at__lte=now
    ).order_by("starts_at", "position", "pk")
    participants = _participants(held)
    workshops = {}
    for event in held:
        workshops.setdefault(event.process_id, []).append(
            {
                "title": event.title,
                "kind": event.get_kind_display(),
                "date": _date(event.starts_at),
                "participants": participants.get(event.pk, 0),
            }
        )
    goals = {}
    for goal in (
        Goal.objects.filter(process__in=processes, is_public=True)
        .select_related("rating")
        .order_by("pk")
    ):
        rating = getattr(goal, "rating", None)
        goals.setdefault(goal.process_id, []).append(
            {
                "title": goal.title,
                "indicator": goal.indicator,
                "rating": rating.get_rating_display() if rating else _("not rated"),
                "comment": rating.comment if rating else "",
            }
        )
    order = {ResultStatus.DONE: 0, ResultStatus.IN_PROGRESS: 1, ResultStatus.PLANNED: 2}
    results = {}
    for result in (
        Result.objects.filter(workshop__process__in=processes, is_public=True)
        .exclude(status=ResultStatus.DROPPED)
        .select_related("workshop")
        .order_by("pk")
    ):
        results.setdefault(result.workshop.process_id, []).append(
            (
                order.get(result.status, 3),
                {
                    "kind": result.get_kind_display(),
                    "text": result.text,
                    "status": result.get_status_display(),
                },
            )
        )
    extra = _contributed_figures(processes, now) if contributed else {}
    data = []
    for process in processes:
        rows = workshops.get(process.pk, [])
        data.append(
            {
                "name": process.municipality.name,
                "workshops": rows,
                "participants": sum(row["participants"] for row in rows),
                "goals": goals.get(process.pk, []),
                "results": [
                    row for _order, row in sorted(results.get(process.pk, []), key=lambda r: r[0])
                ],
                "network": _network_figures(program, process) if figures else None,
                "figures": extra.get(process.municipality_id, []),
            }
        )
    return data


def evidence_of(recommendation):
    """The evidence of a recommendation as plain data, and the municipalities it comes from.
    Results and goals not marked for publication are named by their workshop only."""
    evidence = []
    municipalities = set()
    for result in recommendation.results.all():
        municipality = result.workshop.process.municipality.name if result.workshop.process else ""
        municipalities.add(municipality)
        evidence.append(
            {
                "type": "result",
                "label": result.text if result.is_public else _("an internal result"),
                "detail": f"{result.get_kind_display()}, {result.workshop.title}",
                "municipality": municipality,
            }
        )
    for goal in recommendation.goals.all():
        municipality = goal.process.municipality.name
        municipalities.add(municipality)
        rating = getattr(goal, "rating", None)
        evidence.append(
            {
                "type": "goal",
                "label": goal.title if goal.is_public else _("an internal goal"),
                "detail": _("goal rated: %(rating)s") % {"rating": rating.get_rating_display()}
                if rating
                else _("goal, not rated"),
                "municipality": municipality,
            }
        )
    for workshop in recommendation.workshops.all():
        municipality = workshop.process.municipality.name if workshop.process else ""
        municipalities.add(municipality)
        evidence.append(
            {
                "type": "workshop",
                "label": workshop.title,
                "detail": _date(workshop.starts_at),
                "municipality": municipality,
            }
        )
    evidence.sort(key=lambda e: (e["municipality"], e["type"], e["label"]))
    return evidence, sorted(m for m in municipalities if m)


def recommendation_queryset(program):
    return (
        Recommendation.objects.public()
        .filter(program=program)
        .select_related("category")
        .prefetch_related(
            "results__workshop__process__municipality",
            "goals__process__municipality",
            "goals__rating",
            "workshops__process__municipality",
        )
        .order_by("category__position", "category__name", "title", "pk")
    )


def recommendations_data(program):
    categories = []
    current = None
    for recommendation in recommendation_queryset(program):
        category = recommendation.category
        name = category.name_en if translation.get_language() == "en" and category.name_en else None
        name = name or category.name
        if current is None or current["id"] != category.pk:
            current = {"id": category.pk, "name": name, "recommendations": []}
            categories.append(current)
        evidence, municipalities = evidence_of(recommendation)
        current["recommendations"].append(
            {
                "id": recommendation.pk,
                "title": recommendation.title,
                "text": recommendation.text,
                "municipalities": municipalities,
                "evidence": evidence,
            }
        )
    for number, category in enumerate(categories, 1):
        category["anchor"] = f"category-{number}"
    return categories


def organisations_data(program):
    """The organisations of the participating municipalities that consented to publication (the
    public directory's rule), by municipality."""
    kinds = dict(OrganisationKind.choices)
    rows = (
        Organisation.objects.public()
        .filter(municipality__in=program.municipalities.values("pk"))
        .order_by("municipality__name", "name", "pk")
        .values_list("name", "kind", "municipality__name")
    )
    return [
        {"name": name, "kind": str(kinds.get(kind, kind)), "municipality": municipality}
        for name, kind, municipality in rows
    ]
