"""\"Who was advised on what\": the advice a user sees (`Advice.objects.visible_to`), filtered,
for the page and its export (CSV, XLSX through bruecken/spreadsheets.py)."""

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.actors.models import Topic
from bruecken.spreadsheets import date_cell

from .models import Advice

CHUNK = 1000


def filter_advice(queryset, data, today):
    """The advice of `queryset` that passes the filters in `data` (a filter form's valid data)."""
    if data.get("q"):
        for word in data["q"].replace("\x00", "").split()[:6]:
            queryset = queryset.filter(topic__icontains=word)
    if data.get("topic"):
        through = Advice.topics.through
        queryset = queryset.filter(
            Exists(through.objects.filter(advice=OuterRef("pk"), topic=data["topic"]))
        )
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("advisor"):
        queryset = queryset.filter(advisor=data["advisor"])
    if data.get("municipality"):
        queryset = queryset.filter(organisation__municipality=data["municipality"])
    if data.get("given_from"):
        queryset = queryset.filter(given_on__gte=data["given_from"])
    if data.get("given_until"):
        queryset = queryset.filter(given_on__lte=data["given_until"])
    follow_up = data.get("follow_up")
    if follow_up == "due":
        queryset = queryset.follow_up_due(today)
    elif follow_up == "overdue":
        queryset = queryset.follow_up_overdue(today)
    elif follow_up == "open":
        queryset = queryset.follow_up_open()
    elif follow_up == "done":
        queryset = queryset.filter(follow_up_done_at__isnull=False)
    elif follow_up == "none":
        queryset = queryset.filter(follow_up_on__isnull=True)
    return queryset


def advice_list(user, data, today=None):
    """The page's rows: a constant number of queries per page (the rows with their
    organisation, municipality, seminar and advisor; one more for their topic areas)."""
    today = today or timezone.localdate()
    return (
        filter_advice(Advice.objects.visible_to(user), data, today)
        .select_related("organisation__municipality", "event", "advisor")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("position")))
        .order_by("-given_on", "-pk")
    )


def _follow_up_label(state):
    return {
        "": "",
        "done": _("followed up"),
        "overdue": _("overdue"),
        "due": _("due today"),
        "open": _("open"),
    }[state]


def export_rows(user, data):
    """The header and the rows of the filtered list, in chunks (a query for the rows and one for
    their topic areas per chunk)."""
    today = timezone.localdate()
    yield [
        _("Date"),
        _("Organisation"),
        _("Municipality"),
        _("Kind"),
        _("Seminar"),
        _("Topic"),
        _("Topic areas"),
        _("Advisor"),
        _("Agreed next steps"),
        _("Follow-up on"),
        _("Follow-up"),
        _("Followed up"),
    ]
    for advice in advice_list(user, data, today).iterator(chunk_size=CHUNK):
        yield [
            date_cell(advice.given_on),
            advice.organisation.name,
            advice.organisation.municipality.name,
            advice.get_kind_display(),
            advice.event.title if advice.event else "",
            advice.topic,
            ", ".join(topic.name for topic in advice.topics.all()),
            str(advice.advisor) if advice.advisor else "",
            advice.next_steps,
            date_cell(advice.follow_up_on),
            _follow_up_label(advice.follow_up_state(today)),
            date_cell(advice.follow_up_done_at),
        ]
