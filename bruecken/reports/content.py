"""What the reports show, gathered in a fixed number of queries: the process documentation of a
local process (staff) and the actor brochure of a municipality (public).

The process documentation holds only what every reader allowed to open it may see (program
office, the process's coordinators and facilitators), so one stored PDF serves them all:
figures and organisations, no participant names and no contact details. Organisations of
other municipalities appear by name only when they are public (consented), as everywhere in
the staff area."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bruecken.actors.models import Membership, Organisation, OrganisationKind
from bruecken.events.models import AgendaItem, Event, Registration
from bruecken.events.overview import State, describe, with_place_counts
from bruecken.markup import render_markdown
from bruecken.places.models import Country, Partnership
from bruecken.programs.models import Goal, Result, ResultStatusChange
from bruecken.translation import collation_key, sorted_by_name

# Markdown headings in the minutes sit below the report's h4 "Minutes".
MINUTES_HEADING_OFFSET = 4


# Process documentation


def with_attendance_recorded(events):
    """Events annotated with whether the organisers recorded attendance (any registration with
    `attended` set): then the participants are those marked attended, not the confirmed."""
    recorded = Registration.objects.filter(event=OuterRef("pk"), attended__isnull=False)
    return events.annotate(attendance_recorded=Exists(recorded))


def _participation(process, workshops):
    """Per workshop (annotated by `with_attendance_recorded`): how many took part
    (`Registration.objects.participants`), whether that is recorded attendance or the confirmed
    registrations, and the organisations represented (current members on the day), counted as
    the network counts co-attendance (`network.graph.add_coattendance`)."""
    people = {}
    for event, person in (
        Registration.objects.participants()
        .filter(event__process=process)
        .order_by()
        .values_list("event_id", "person_id")
    ):
        people.setdefault(event, set()).add(person)
    memberships = {}
    everyone = set().union(*people.values()) if people else set()
    public = Organisation.objects.public().filter(pk=OuterRef("organisation_id"))
    for person, organisation, name, municipality, public_name, started_on, ended_on in (
        Membership.objects.filter(person__in=everyone)
        .annotate(public_name=Exists(public))
        .order_by()
        .values_list(
            "person_id",
            "organisation_id",
            "organisation__name",
            "organisation__municipality_id",
            "public_name",
            "started_on",
            "ended_on",
        )
    ):
        # Another municipality's organisation is named only when it is public.
        shown = municipality == process.municipality_id or public_name
        memberships.setdefault(person, []).append((organisation, name, shown, started_on, ended_on))
    result = {}
    for workshop in workshops:
        present = people.get(workshop.pk, set())
        day = timezone.localdate(workshop.starts_at) if workshop.starts_at else None
        organisations = {}
        unnamed = set()
        for person in present:
            for organisation, name, shown, started_on, ended_on in memberships.get(person, ()):
                if day is not None and (
                    (started_on is not None and started_on > day)
                    or (ended_on is not None and ended_on < day)
                ):
                    continue
                if shown:
                    organisations[organisation] = name
                else:
                    unnamed.add(organisation)
        result[workshop.pk] = {
            "count": len(present),
            "recorded": workshop.attendance_recorded,
            "organisations": sorted(organisations.values(), key=collation_key),
            "unnamed_organisations": len(unnamed),
        }
    return result


def _network_rows(process, workshops, today):
    """Nodes, ties, cross-group share and E-I index of the municipality's network within the
    program on the day before the first workshop (baseline), each workshop day up to today, and
    today."""
    from bruecken.network.graph import load_network, snapshot_dates, to_igraph
    from bruecken.network.metrics import summary

    days = [day for day in snapshot_dates(process) if day <= today]
    if not days:
        return []
    titles = {}
    for workshop in workshops:
        if workshop.starts_at and workshop.cancelled_at is None:
            titles.setdefault(timezone.localdate(workshop.starts_at), []).append(workshop.title)
    if days[-1] != today:
        days.append(today)
    network = load_network(program=process.program, municipality=process.municipality)
    rows = []
    for position, day in enumerate(days):
        figures = summary(to_igraph(network, until=day))
        if position == 0:
            label = _("Before the first workshop")
        elif day in titles:
            label = "; ".join(titles[day])
        else:
            label = _("Today")
        rows.append(
            {
                "day": day,
                "label": label,
                # Workshop titles as staff wrote them: German, marked so on an English page.
                "label_is_titles": position != 0 and day in titles,
                "nodes": figures["nodes"],
                "edges": figures["edges"],
                "edges_across": figures["edges_across"],
                "cross_share": figures["cross_share"],
                "ei_index": figures["ei_index"],
            }
        )
    return rows


def process_document(process, now=None, progress=None):
    """Everything the process documentation shows, as plain context for its template.
    `progress(percent, step)` hears how far it got (for the build's progress bar)."""
    now = now or timezone.now()
    if progress:
        progress(10, "gather")
    today = timezone.localdate(now)
    workshops = [
        describe(event, now)
        for event in with_attendance_recorded(
            with_place_counts(Event.objects.filter(process=process))
        )
        .prefetch_related(
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.order_by("starts_at", "id").only(
                    "event_id", "starts_at", "title", "title_en"
                ),
            )
        )
        .order_by("position", "starts_at", "id")
    ]
    participation = _participation(process, workshops)
    results = list(
        Result.objects.filter(workshop__process=process)
        .select_related("workshop")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("id").only("id", "title", "title_en")),
            Prefetch("organisations", queryset=Organisation.objects.order_by("name_key")),
            Prefetch(
                "status_changes",
                queryset=ResultStatusChange.objects.order_by("changed_on", "id"),
            ),
        )
        .order_by("workshop__position", "workshop__starts_at", "id")
    )
    results_by_workshop = {}
    for result in results:
        results_by_workshop.setdefault(result.workshop_id, []).append(result)
    for workshop in workshops:
        workshop.participation = participation[workshop.pk]
        workshop.is_held = workshop.state == State.HELD
        workshop.result_list = results_by_workshop.get(workshop.pk, [])
        workshop.minutes_html = (
            render_markdown(workshop.minutes, MINUTES_HEADING_OFFSET) if workshop.minutes else ""
        )
    goals = list(
        Goal.objects.filter(process=process)
        .select_related("rating", "responsible", "workshop")
        .order_by("id")
    )
    for goal in goals:
        goal.rating_or_none = getattr(goal, "rating", None)
    # Responsible organisations as every reader of the document may see them.
    Organisation.objects.shown_in(
        process.municipality_id,
        [goal.responsible for goal in goals]
        + [organisation for result in results for organisation in result.organisations.all()],
    )
    partnerships = list(
        Partnership.objects.filter(municipality_id=process.municipality_id)
        .select_related("country__region")
        .order_by("since", "partner_name")
    )
    if progress:
        progress(40, "network")
    network = _network_rows(process, workshops, today)
    return {
        "process": process,
        "program": process.program,
        "municipality": process.municipality,
        "steps": list(process.template.steps.order_by("position")),
        "workshops": workshops,
        "held_count": sum(1 for w in workshops if w.is_held),
        "goals": goals,
        "results": results,
        "partnerships": partnerships,
        "network": network,
        "as_of": now,
    }


# Actor brochure


# The brochure's headings: the kinds in the plural.
KIND_HEADINGS = {
    OrganisationKind.MIGRANT_ORGANISATION: gettext_lazy("Migrant organisations"),
    OrganisationKind.ADMINISTRATION: gettext_lazy("Municipal administration"),
    OrganisationKind.NGO: gettext_lazy("Non-governmental organisations"),
    OrganisationKind.EDUCATION: gettext_lazy("Education"),
    OrganisationKind.FAITH_COMMUNITY: gettext_lazy("Faith communities"),
    OrganisationKind.FOUNDATION: gettext_lazy("Foundations"),
    OrganisationKind.BUSINESS: gettext_lazy("Businesses"),
    OrganisationKind.NETWORK: gettext_lazy("Networks"),
    OrganisationKind.OTHER: gettext_lazy("Other organisations"),
}


@dataclass
class RegionGroup:
    region: object  # a WorldRegion, or None: no country of engagement recorded
    entries: list = field(default_factory=list)  # (organisation, is_first_appearance)

    @property
    def name(self):
        return self.region.name if self.region else _("No country of engagement recorded")

    @property
    def slug(self):
        return self.region.code if self.region else "none"


@dataclass
class KindGroup:
    kind: str
    label: str
    regions: list = field(default_factory=list)
    count: int = 0


def brochure_organisations(municipality):
    """The municipality's organisations as the public directory shows them
    (`Organisation.objects.public()`: recorded consent), with their public profile data in a
    fixed number of queries; as contacts, the current public memberships."""
    contacts = (
        Membership.objects.public()
        .current()
        .filter(is_contact=True)
        .select_related("person")
        .only("organisation_id", "role", "person__name")
        .order_by("person__name", "pk")
    )
    return (
        Organisation.objects.public()
        .filter(municipality=municipality)
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.select_related("region")),
            "topics",
            "engagement_forms",
            "languages",
            Prefetch("memberships", queryset=contacts, to_attr="public_contacts"),
        )
        .order_by("name_key", "pk")
    )


def brochure(municipality):
    """The organisations grouped by kind, then by the world regions of their countries of
    engagement. An organisation engaged in several regions appears in each; its full entry is
    at its first appearance, the others refer to it."""
    organisations = list(brochure_organisations(municipality))
    for organisation in organisations:
        organisation.country_list = sorted_by_name(organisation.countries.all())
        organisation.language_list = sorted_by_name(organisation.languages.all())
    kinds = []
    for kind, label in OrganisationKind.choices:
        members = [o for o in organisations if o.kind == kind]
        if not members:
            continue
        by_region = {}
        regions = {}
        for organisation in members:
            codes = {country.region.code for country in organisation.country_list}
            for country in organisation.country_list:
                regions[country.region.code] = country.region
            for code in codes or {None}:
                by_region.setdefault(code, []).append(organisation)
        groups = [
            RegionGroup(region, [(o, False) for o in by_region[region.code]])
            for region in sorted_by_name(regions.values())
        ]
        if None in by_region:
            groups.append(RegionGroup(None, [(o, False) for o in by_region[None]]))
        seen = set()
        for group in groups:
            entries = []
            for organisation, _first in group.entries:
                first = organisation.pk not in seen
                if first:
                    organisation.entry_region = group.name
                    seen.add(organisation.pk)
                entries.append((organisation, first))
            group.entries = entries
        kinds.append(
            KindGroup(
                kind=kind,
                label=str(KIND_HEADINGS.get(kind, label)),
                regions=groups,
                count=len(members),
            )
        )
    return {
        "municipality": municipality,
        "kinds": kinds,
        "organisation_count": len(organisations),
        "as_of": timezone.now(),
    }


def participates(municipality):
    """Only participating municipalities have public pages (`website.views.pages`)."""
    return municipality.programs.exists()
