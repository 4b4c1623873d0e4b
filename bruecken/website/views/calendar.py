"""The public events calendar: a list with filters and a month view, of published events only.

Cancelled events stay in the calendar, marked as cancelled, so that nobody wonders where an
announced date went. Both pages are built from a fixed number of queries, whatever the number of
events, and cached for anonymous visitors (they have no POST form)."""

import calendar as calendar_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import dates, timezone
from django.utils.translation import gettext_lazy as _

from bruecken.cache import cached_page
from bruecken.events.calendars import published_events
from bruecken.events.models import Event, Registration
from bruecken.places.models import Municipality
from bruecken.programs.models import Admission, Program, WorkshopKind
from bruecken.translation import sorted_by_name

EVENTS_PER_PAGE = 20
PROGRAM_WIDE = "program"
PAST = "past"
# The months the month view pages through.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class CalendarFilterForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of event"),
        required=False,
        choices=[("", _("all")), *WorkshopKind.choices],
    )
    when = forms.ChoiceField(
        label=_("Time"),
        required=False,
        choices=[("", _("upcoming events")), (PAST, _("past events"))],
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [
            ("", _("all")),
            (PROGRAM_WIDE, _("program-wide events")),
            *((str(m.pk), m.name) for m in municipalities),
        ]

    def value(self, name):
        """The cleaned value of a field, or "" when it was left out or is not valid (a stale link
        shows the whole calendar rather than an error)."""
        if not self.is_valid() and name in self.errors:
            return ""
        return self.cleaned_data.get(name) or ""


def _municipalities():
    """The municipalities that have published events: the choices of the filter."""
    published = Event.objects.public().filter(process__municipality=OuterRef("pk"))
    return sorted_by_name(Municipality.objects.filter(Exists(published)).only("pk", "name"))


def _filter_form(request):
    municipalities = _municipalities()
    form = CalendarFilterForm(request.GET, municipalities=municipalities)
    form.is_valid()
    selected = form.value("municipality")
    municipality = next((m for m in municipalities if str(m.pk) == selected), None)
    return form, municipality


def _filtered(form):
    events = published_events().annotate(
        places_held=Count(
            "registrations", filter=Q(registrations__status__in=Registration.HOLDS_PLACE)
        )
    )
    municipality = form.value("municipality")
    if municipality == PROGRAM_WIDE:
        events = events.filter(process__isnull=True)
    elif municipality:
        events = events.filter(process__municipality_id=municipality)
    if form.value("kind"):
        events = events.filter(kind=form.value("kind"))
    return events


def _upcoming(events, now):
    """Events not over yet: a workshop under way is still on the list."""
    return events.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))


def _past(events, now):
    return events.exclude(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))


def _annotate_places(events):
    for event in events:
        event.places_free = max(event.capacity - event.places_held, 0)
        event.is_open = event.admission == Admission.OPEN
        # The first line of the address names the place; "Online" there says nothing more.
        first_line = next((line.strip() for line in event.venue.splitlines() if line.strip()), "")
        event.place = "" if first_line.casefold() == "online" else first_line
    return events


def _feeds(municipality):
    programs = Program.objects.filter(
        Exists(Event.objects.public().filter(program=OuterRef("pk")))
    ).order_by("name")
    return {
        "programs": [
            (program, reverse("participate:program_calendar", args=[program.pk]))
            for program in programs
        ],
        "municipality_feed": reverse("participate:municipality_calendar", args=[municipality.pk])
        if municipality
        else None,
    }


@cached_page
def calendar(request):
    form, municipality = _filter_form(request)
    now = timezone.now()
    events = _filtered(form)
    past = form.value("when") == PAST
    if past:
        events = _past(events, now).order_by("-starts_at", "-id")
    else:
        events = _upcoming(events, now).order_by("starts_at", "id")
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    _annotate_places(page.object_list)
    today = timezone.localdate()
    context = {
        "form": form,
        "page": page,
        "events": page.object_list,
        "past": past,
        "municipality": municipality,
        "filtered": any(form.value(name) for name in ("municipality", "kind")),
        "month_url": _month_url(today.year, today.month, request),
        **_feeds(municipality),
    }
    return render(request, "website/calendar.html", context)


# The month view


@dataclass
class Day:
    date: date
    is_today: bool = False
    events: list = field(default_factory=list)


def _month_url(year, month, request=None):
    """The month page's address, with the filters of the current page (not its page number)."""
    url = reverse("website:calendar_month", args=[year, month])
    return url + _filters_query(request) if request is not None else url


def _first_weekday():
    """Monday, in both languages: the German (and ISO 8601, and British) week, and the same grid
    whichever language a reader switches to. Django's English format would start on Sunday."""
    return calendar_module.MONDAY


def _weeks(year, month, events, today):
    """The weeks of the month, each seven days (None outside the month); an event lasting
    several days is listed on each of them."""
    days = {}
    for week in calendar_module.Calendar(_first_weekday()).monthdatescalendar(year, month):
        for day in week:
            if day.month == month:
                days[day] = Day(day, is_today=day == today)
    for event in events:
        start = timezone.localtime(event.starts_at).date()
        end = timezone.localtime(event.ends_at).date() if event.ends_at else start
        day = max(start, date(year, month, 1))
        while day <= end and day in days:
            days[day].events.append(event)
            day += timedelta(days=1)
    weeks = [
        [days.get(day) for day in week]
        for week in calendar_module.Calendar(_first_weekday()).monthdatescalendar(year, month)
    ]
    return weeks, [day for day in days.values() if day.events]


def _weekdays():
    """(full name, abbreviation) of each weekday, in the order of the week's columns."""
    first = _first_weekday()
    return [
        (dates.WEEKDAYS[(first + i) % 7], dates.WEEKDAYS_ABBR[(first + i) % 7]) for i in range(7)
    ]


def _neighbour(year, month, step):
    month += step
    if month == 0:
        year, month = year - 1, 12
    elif month == 13:
        year, month = year + 1, 1
    return (year, month) if FIRST_YEAR <= year <= LAST_YEAR else None


@cached_page
def month(request, year, month):
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404
    form, municipality = _filter_form(request)
    zone = timezone.get_current_timezone()
    first = date(year, month, 1)
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(after, time.min, tzinfo=zone)
    events = list(
        _filtered(form)
        .filter(starts_at__lt=end)
        .filter(Q(starts_at__gte=start) | Q(ends_at__gte=start))
        .order_by("starts_at", "id")
    )
    _annotate_places(events)
    today = timezone.localdate()
    weeks, days_with_events = _weeks(year, month, events, today)
    previous, following = _neighbour(year, month, -1), _neighbour(year, month, 1)
    context = {
        "form": form,
        "municipality": municipality,
        "first": first,
        "weeks": weeks,
        "weekdays": _weekdays(),
        "days_with_events": days_with_events,
        "events": events,
        "previous": first - timedelta(days=1) if previous else None,
        "previous_url": _month_url(*previous, request) if previous else None,
        "following": after if following else None,
        "following_url": _month_url(*following, request) if following else None,
        "today_url": _month_url(today.year, today.month, request),
        "is_current_month": (today.year, today.month) == (year, month),
        "list_url": reverse("website:calendar") + _filters_query(request),
        **_feeds(municipality),
    }
    return render(request, "website/calendar_month.html", context)


def _filters_query(request):
    query = request.GET.copy()
    for name in ("page", "when"):
        query.pop(name, None)
    return "?" + query.urlencode() if query else ""
