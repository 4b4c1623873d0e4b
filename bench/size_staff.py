"""The staff side at real size (part of `make bench-size`): the picker search and every staff
form page, for the program office and a coordinator, through the test client."""

import logging
import re
import statistics
from contextlib import contextmanager

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from bruecken.actors.models import Membership, Organisation, Person, Tie, TieKind, name_key
from bruecken.events.models import Event
from bruecken.places.models import Country, Municipality, Partnership, PartnershipKind
from bruecken.programs.models import Goal, Result, ResultKind, ResultStatus

from .common import client_settings, fetch, staff_client
from .timing import percentile, ratio, time_calls, time_within

PICKER_TARGET_MS = 30
FORM_TARGET_MS = 150
FORM_TARGET_KB = 100
PICKER_LIMIT = 20
# Three letters typed, as a user starts; a full name part; for people also the start of common
# first names ("mar"), whose matches lie together in the name order, not spread over it.
PICKER_TERMS = {
    "organisations": ["äth", "kam", "wel", "verein"],
    "people": ["men", "tra", "ngu", "mensah", "mar"],
}
# A <select> with more options than this is what the picker replaces (issue #16: none above 100).
SELECT_LIMIT = 100
OPTION = re.compile(r"<option\b")
SELECT = re.compile(r"<select\b.*?</select>", re.DOTALL)


def users(context):
    return (("program office", context.office), ("coordinator", context.coordinator))


# The picker


def picker_path(kind):
    """The address of H5's picker search (bruecken/pickers.py) for `kind`, if it is there."""
    try:
        from bruecken import pickers
    except ImportError:
        return None
    if kind not in getattr(pickers, "SOURCES", {}):
        return None
    try:
        return reverse("picker", args=[kind])
    except NoReverseMatch:
        return None


def interim_search(user, kind, term):
    """Until the picker lands: the query it will make, the visible rows whose name contains
    the folded term, in name order, the first 20."""
    model = Organisation if kind == "organisations" else Person
    queryset = model.objects.visible_to(user)
    if kind == "organisations":
        queryset = queryset.filter(name_key__contains=name_key(term)).order_by("name_key", "pk")
    else:
        queryset = queryset.filter(search_text__contains=term.casefold()).order_by("name", "pk")
    return list(queryset.values_list("pk", "name")[:PICKER_LIMIT])


def select_options(user, kind):
    """The baseline: what the form's <select> loads today, every row the user may see."""
    model = Organisation if kind == "organisations" else Person
    order = ("name_key", "pk") if kind == "organisations" else ("name", "pk")
    return list(model.objects.visible_to(user).order_by(*order).values_list("pk", "name"))


def measure_pickers(context):
    options = context.options
    with client_settings():
        paths = {kind: picker_path(kind) for kind in PICKER_TERMS}
        how = (
            "GET /pickers/<kind>/?q=… through the test client (bruecken/pickers.py)"
            if all(paths.values())
            else "the query the picker will make (interim: no picker search view yet)"
        )
        context.write(
            f"\nPicker search: {how}; baseline: loading every option of today's <select>."
        )
        header = (
            f"{'user':<15} {'kind':<14} {'term':<8} {'found':>5} {'median':>8} {'p90':>8} │ "
            f"{'select':>9} {'options':>7} {'ratio':>7}"
        )
        context.command.write_table(header)
        for label, user in users(context):
            client = staff_client(user)
            for kind, terms in PICKER_TERMS.items():
                medians = []
                select, options_list, _log = time_calls(
                    lambda user=user, kind=kind: select_options(user, kind), 3, 1, queries=False
                )
                select_median = statistics.median(wall for wall, _cpu in select)
                for term in terms:
                    if paths[kind]:

                        def call(client=client, path=paths[kind], term=term):
                            return fetch(client, path, {"q": term}).json()["results"]
                    else:

                        def call(user=user, kind=kind, term=term):
                            return interim_search(user, kind, term)

                    timings, found, _log = time_calls(
                        call, options["requests"], options["warmup"], queries=False
                    )
                    wall = [seconds for seconds, _cpu in timings]
                    median = statistics.median(wall)
                    medians.append(median)
                    context.write(
                        f"{label:<15} {kind:<14} {term:<8} {len(found):>5} "
                        f"{median * 1000:>6.2f}ms {percentile(wall, 90) * 1000:>6.2f}ms │ "
                        f"{select_median * 1000:>7.1f}ms {len(options_list):>7,} "
                        f"{ratio(select_median, median):>6.1f}×"
                    )
                worst = max(medians)
                context.add(
                    f"picker search, {label}, {kind}",
                    f"{worst * 1000:.1f} ms",
                    f"≤ {PICKER_TARGET_MS} ms",
                    f"<select> {select_median * 1000:.0f} ms",
                    f"{ratio(select_median, worst):.1f}×",
                    worst * 1000 <= PICKER_TARGET_MS,
                )
    context.write(
        "found: rows answered (at most 20); median, p90: wall clock per search, the request "
        "through the test client where the picker's view exists; select: median time to load "
        "every option the user may see (the query alone, no HTML); ratio: select / search. "
        "Summary: the slowest term's median."
    )


# The staff forms


def form_objects(context):
    """The objects the forms are about, all in the coordinator's municipality (so that both
    users may open them): an organisation with members and ties, a person, a workshop of its
    local process with a goal and a result."""
    municipality = Municipality.objects.get(
        pk=context.coordinator.roles.values_list("municipality_id", flat=True).first()
    )
    # One with members and ties, where the dataset has one (the forms of both are measured).
    members = Organisation.objects.filter(municipality=municipality, memberships__isnull=False)
    tied = members.filter(Q(ties_out__isnull=False) | Q(ties_in__isnull=False))
    organisation = tied.order_by("pk").first() or members.order_by("pk").first()
    membership = Membership.objects.filter(organisation=organisation).order_by("pk").first()
    tie = Tie.objects.filter(Q(source=organisation) | Q(target=organisation)).order_by("pk").first()
    if tie is None:
        other = Organisation.objects.filter(municipality=municipality).exclude(pk=organisation.pk)
        tie = Tie.objects.create(
            source=organisation, target=other.order_by("pk").first(), kind=TieKind.values[0]
        )
    workshops = Event.objects.filter(
        program=context.program, process__municipality=municipality
    ).order_by("position")
    workshop, evaluation = workshops.first(), workshops.last()
    goal = Goal.objects.filter(process=workshop.process).order_by("pk").first()
    if goal is None:
        goal = Goal.objects.create(
            process=workshop.process, workshop=workshop, title="Netzwerk stärken (Bench)"
        )
    result = Result.objects.filter(workshop__process=workshop.process).order_by("pk").first()
    if result is None:
        result = Result.objects.create(
            workshop=workshop,
            kind=ResultKind.values[0],
            text="Vereinbarung (Bench)",
            status=ResultStatus.values[0],
        )
    partnership = Partnership.objects.filter(municipality=municipality).order_by("pk").first()
    if partnership is None:
        partnership = Partnership.objects.create(
            municipality=municipality,
            partner_name="Cape Coast (Bench)",
            country=Country.objects.order_by("pk").first(),
            kind=PartnershipKind.values[0],
        )
    return {
        "organisation": organisation,
        "partnership": partnership,
        "person": membership.person,
        "membership": membership,
        "tie": tie,
        "municipality": municipality,
        "program": context.program,
        "workshop": workshop,
        "evaluation": evaluation,
        "goal": goal,
        "result": result,
    }


# (label, URL name, the objects of its arguments)
FORMS = [
    ("organisation, new", "actors:organisation_create", []),
    ("organisation, edit", "actors:organisation_edit", ["organisation"]),
    ("person, new", "actors:person_create", []),
    ("person, edit", "actors:person_edit", ["person"]),
    ("membership, new", "actors:membership_add", ["organisation"]),
    ("membership, edit", "actors:membership_edit", ["membership"]),
    ("tie, new", "actors:tie_add", ["organisation"]),
    ("tie, edit", "actors:tie_edit", ["organisation", "tie"]),
    ("program, edit", "programs:program_edit", ["program"]),
    ("program, add municipality", "programs:municipality_add", ["program"]),
    ("partnership, new", "partnerships:partnership_create", ["municipality"]),
    ("partnership, edit", "partnerships:partnership_edit", ["partnership"]),
    ("introduction, propose", "partnerships:introduction_propose", []),
    ("advice, new", "advisory:advice_create", []),
    ("event, new", "events:event_create", ["program"]),
    ("event, edit", "events:event_edit", ["workshop"]),
    ("event, invite", "events:invite", ["workshop"]),
    ("event, add participant", "events:participant_add", ["workshop"]),
    ("event, attendance", "events:attendance", ["workshop"]),
    ("goal, new", "events:goal_add", ["workshop"]),
    ("goal, edit", "events:goal_edit", ["goal"]),
    ("result, new", "events:result_add", ["workshop"]),
    ("result, edit", "events:result_edit", ["result"]),
    ("goal ratings", "events:ratings", ["evaluation"]),
    ("minutes", "events:minutes", ["workshop"]),
    ("recommendation, new", "guide:recommendation_create", ["program"]),
    ("role, grant", "staff_accounts:role_grant", []),
    ("account invitation, new", "staff_accounts:invitation_create", []),
    ("news article, new", "website:editorial_news_create", []),
]


@contextmanager
def quiet_refusals():
    """A coordinator refused a page of the program office's is expected: no log line."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def biggest_select(content):
    """The options of the page's largest <select>."""
    return max((len(OPTION.findall(select)) for select in SELECT.findall(content)), default=0)


def measure_forms(context):
    options = context.options
    with client_settings():
        objects = form_objects(context)
        baseline_path = reverse("actors:organisation_list")
        context.write(
            f"\nStaff form pages (GET), objects in {objects['municipality'].name}, the "
            "coordinator's municipality; baseline: the staff organisation list, page 1."
        )
        header = (
            f"{'form':<26} {'user':<15} {'KB':>7} {'median':>9} {'p90':>9} {'n':>3} "
            f"{'select':>6} │ {'list':>8} {'ratio':>6}"
        )
        context.command.write_table(header)
        for label, user in users(context):
            client = staff_client(user)
            timings, _response, _log = time_calls(
                lambda client=client: fetch(client, baseline_path),
                options["requests"],
                options["warmup"],
                queries=False,
            )
            list_median = statistics.median(wall for wall, _cpu in timings)
            worst_time = worst_size = None
            for form, name, arguments in FORMS:
                try:
                    path = reverse(name, args=[objects[key].pk for key in arguments])
                except NoReverseMatch:
                    context.write(f"{form:<26} {label:<15} no such page ({name})")
                    continue
                with quiet_refusals():
                    first = client.get(path, secure=True)
                if first.status_code != 200:
                    context.write(
                        f"{form:<26} {label:<15} not measured: status {first.status_code}"
                    )
                    continue

                def call(client=client, path=path):
                    return fetch(client, path)

                timings, response, _log = time_within(call, options["requests"], options["warmup"])
                wall = [seconds for seconds, _cpu in timings]
                median, size = statistics.median(wall), len(response.content)
                options_count = biggest_select(response.content.decode())
                mark = "!" if options_count > SELECT_LIMIT else ""
                context.write(
                    f"{form:<26} {label:<15} {size / 1000:>7.1f} {median * 1000:>7.1f}ms "
                    f"{percentile(wall, 90) * 1000:>7.1f}ms {len(wall):>3} "
                    f"{options_count:>5}{mark:1} │ {list_median * 1000:>6.1f}ms "
                    f"{ratio(median, list_median):>5.1f}×"
                )
                if worst_time is None or median > worst_time[1]:
                    worst_time = (form, median)
                if worst_size is None or size > worst_size[1]:
                    worst_size = (form, size)
            if worst_time is None:
                continue
            context.add(
                f"slowest form, {label} ({worst_time[0]})",
                f"{worst_time[1] * 1000:.0f} ms",
                f"≤ {FORM_TARGET_MS} ms",
                f"staff list {list_median * 1000:.0f} ms",
                f"{ratio(worst_time[1], list_median):.1f}×",
                worst_time[1] * 1000 <= FORM_TARGET_MS,
            )
            context.add(
                f"largest form, {label} ({worst_size[0]})",
                f"{worst_size[1] / 1000:.0f} KB",
                f"≤ {FORM_TARGET_KB} KB",
                "",
                "",
                worst_size[1] / 1000 <= FORM_TARGET_KB,
            )
    context.write(
        "KB: the page's HTML (1 KB = 1,000 bytes); median, p90: wall clock around the test "
        "client's request; n: timed requests (fewer where one takes seconds); select: options "
        f"of the page's largest <select> (! above {SELECT_LIMIT}); list: median of the staff "
        "organisation list for the same user; ratio: form / list."
    )
