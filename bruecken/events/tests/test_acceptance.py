"""The acceptance walkthrough of a local process, through the pages as their users use them.

Bonn's coordinator starts the local process from the program's template, publishes and fills
the initiative workshop by invitation, records who came and the goals; an extended workshop
fills up with a waiting list that moves on a cancellation; the evaluation workshop admits the
initiative circle only and rates the goals. Every e-mail is read from the outbox, and the links
in it are followed as the recipient would.

The test is transactional: the e-mails go out when the services' transactions commit, and the
database task backend needs its queue committed for the worker to see it."""

import re
import signal
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from bruecken import cli
from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.models import Event, Invitation, Registration
from bruecken.programs.models import Goal, GoalRating, LocalProcess, WorkshopKind
from bruecken.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status
BERLIN = ZoneInfo("Europe/Berlin")
LINK = re.compile(re.escape(settings.SITE_URL) + r"(/\S+)")
PERSONAL = re.compile(r"/participate/(invitation|registration)/")
NOT_IN_CIRCLE = (
    "Only the people who took part in the initiative workshop of this local process "
    "take part in this workshop."
)


class Clock:
    """The time the application sees. The walkthrough spans months; the clock only moves on."""

    def __init__(self, monkeypatch):
        self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def travel_to(self, moment):
        assert moment > self.now
        self.now = moment


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def database_tasks(settings):
    """Switch to the production task queue for a part of the test: call it, then `restore`."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    original = settings.TASKS

    class Switch:
        def on(self):
            settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

        def restore(self):
            settings.TASKS = original

    yield Switch()
    # The worker installs its own signal handlers; give pytest its own back.
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


# Helpers: what a user does on a page


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def url(name, *args):
    """The English page: the messages the test reads are in English."""
    with translation.override("en"):
        return reverse(name, args=args)


def local(moment):
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


def day_at(moment, hour):
    return datetime.combine(moment.astimezone(BERLIN).date(), time(hour), tzinfo=BERLIN)


def publish(client, workshop, *, starts_at, deadline=None, capacity=None, admission=None):
    """Fill in and send the workshop's edit form."""
    data = {
        "title": workshop.title,
        "description": workshop.description,
        "starts_at": local(starts_at),
        "ends_at": local(starts_at + timedelta(hours=6)),
        "venue": "Altes Rathaus\nMarkt 2\n53111 Bonn",
        "online_url": "",
        "capacity_min": workshop.capacity_min,
        "capacity": capacity or workshop.capacity,
        "registration_deadline": local(deadline) if deadline else "",
        "reminder_days": 3,
        "is_published": "on",
    }
    if workshop.kind != WorkshopKind.EVALUATION:  # its admission is fixed, the field disabled
        data["admission"] = admission or workshop.admission
    response = client.post(url("events:event_edit", workshop.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    workshop.refresh_from_db()
    assert workshop.is_published


def messages_to(person, subject_part=""):
    return [m for m in mail.outbox if m.to == [person.email] and subject_part in m.subject]


def link_in(message):
    """The path of the personal link in an e-mail."""
    (path,) = {m for m in LINK.findall(message.body) if PERSONAL.search(m)}
    return path


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


# The walkthrough


def test_a_local_process_from_start_to_evaluation(
    reference_data, bonn, bonn_coordinator, clock, database_tasks
):
    program = ProgramFactory(municipalities=[bonn])
    coordinator = logged_in(bonn_coordinator)

    # The program dashboard offers to start Bonn's process; starting makes the template's drafts.
    dashboard = coordinator.get(url("programs:program_detail", program.pk))
    assert dashboard.status_code == 200
    start = url("programs:process_start", program.pk, bonn.pk)
    assert start.encode() in dashboard.content
    response = coordinator.post(start, follow=True)
    process = LocalProcess.objects.get(program=program, municipality=bonn)
    assert response.redirect_chain[-1][0] == url("programs:process_detail", process.pk)
    initiative, extended, extended_2, evaluation = Event.objects.filter(process=process).order_by(
        "position"
    )
    assert [w.kind for w in (initiative, extended, extended_2, evaluation)] == [
        WorkshopKind.INITIATIVE,
        WorkshopKind.EXTENDED,
        WorkshopKind.EXTENDED,
        WorkshopKind.EVALUATION,
    ]
    assert not any(w.is_published for w in (initiative, extended, extended_2, evaluation))

    initiative_day = day_at(clock.now + timedelta(days=21), 10)
    publish(
        coordinator,
        initiative,
        starts_at=initiative_day,
        deadline=initiative_day - timedelta(days=7),
    )

    invitees = answer_invitations(coordinator, initiative, database_tasks)
    goals = hold_initiative_workshop(bonn_coordinator, initiative, invitees, clock)
    circle = invitees[:14]
    hold_extended_workshop(bonn_coordinator, extended, bonn, clock)
    hold_evaluation_workshop(bonn_coordinator, evaluation, circle, goals, bonn, clock)

    # The municipality's calendar lists the published workshops, and only those.
    feed = Client().get(url("participate:municipality_calendar", bonn.pk))
    assert feed.status_code == 200
    calendar = Calendar.from_ical(feed.content)
    summaries = {str(entry["summary"]) for entry in calendar.walk("VEVENT")}
    assert summaries == {initiative.title, extended.title, evaluation.title}


def answer_invitations(coordinator, initiative, database_tasks):
    """15 people are invited from the registry and accept through their links; a forwarded link
    and a second use are refused. Returns the invitees."""
    # Each e-mail, and the page its link opens, is in the recipient's language.
    invitees = PersonFactory.create_batch(
        15, municipality=initiative.process.municipality, language=factory.Iterator(["en", "de"])
    )
    forwarded_to = PersonFactory(municipality=initiative.process.municipality)

    # The registry is searched in the picker (here its search step without JavaScript).
    invite_page = coordinator.get(url("events:invite", initiative.pk))
    assert 'role="combobox"' in invite_page.content.decode()
    step = coordinator.post(
        url("events:invite", initiative.pk),
        {"picker_search": "people", "people__search": invitees[0].name},
    )
    assert f'value="{invitees[0].pk}"' in step.content.decode()

    # The invitations queue in the database and go out when the worker runs.
    database_tasks.on()
    mail.outbox.clear()
    response = coordinator.post(
        url("events:invite", initiative.pk), {"people": [p.pk for p in invitees]}, follow=True
    )
    assert "15 people invited." in page_messages(response)
    assert mail.outbox == []
    worker = ["bruecken", "worker", "--batch", "--no-startup-delay", "--verbosity", "0"]
    assert cli.main(worker) == 0
    database_tasks.restore()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in invitees)

    first = invitees[0]
    first_link = link_in(messages_to(first)[0])
    visitor = Client()

    # Forwarded: someone else's address does not take the place.
    response = visitor.post(first_link, {"email": forwarded_to.email, "answer": "accept"})
    assert "This invitation was sent to another e-mail address." in response.content.decode()
    assert Invitation.objects.get(person=first).status == Invitation.Status.PENDING

    for person in invitees:
        link = link_in(messages_to(person, "")[0])
        response = Client().post(link, {"email": person.email.upper(), "answer": "accept"})
        assert response.status_code == 200
        assert response.context["answered"]

    # Used once: the second answer changes nothing.
    response = visitor.post(first_link, {"email": first.email, "answer": "decline"})
    assert "This invitation has already been answered." in response.content.decode()
    assert set(
        Registration.objects.filter(event=initiative, status=Status.CONFIRMED).values_list(
            "person", flat=True
        )
    ) == {p.pk for p in invitees}
    assert not Registration.objects.filter(event=initiative, person=forwarded_to).exists()
    assert all(messages_to(p, "") for p in invitees)
    return invitees


def hold_initiative_workshop(user, initiative, invitees, clock):
    """On the day: 14 come, one does not; two goals are set. Returns the goals; the 14 are the
    initiative circle."""
    clock.travel_to(initiative.starts_at + timedelta(minutes=30))
    # Weeks have passed: the session has expired, the coordinator logs in again.
    coordinator = logged_in(user)
    came, absent = invitees[:14], invitees[14]
    registrations = {r.person_id: r for r in initiative.registrations.all()}
    check_in = url("events:attendance", initiative.pk)
    assert coordinator.get(check_in).status_code == 200
    for person in came:
        coordinator.post(check_in, {"registration": registrations[person.pk].pk, "attended": "yes"})
    coordinator.post(check_in, {"registration": registrations[absent.pk].pk, "attended": "no"})
    page = coordinator.get(check_in)
    assert (page.context["attended_count"], page.context["no_show_count"]) == (14, 1)

    goal_page = url("events:goal_add", initiative.pk)
    for title, indicator in [
        ("Diaspora in den Städtepartnerschaften", "Zwei MSO in jedem Partnerschaftsverein"),
        ("Gemeinsame Bildungsarbeit", "Drei gemeinsame Veranstaltungen im Jahr"),
    ]:
        response = coordinator.post(
            goal_page, {"title": title, "description": "", "indicator": indicator}
        )
        assert response.status_code == 302, response.context["form"].errors
    goals = list(Goal.objects.filter(process=initiative.process).order_by("id"))
    assert [g.workshop_id for g in goals] == [initiative.pk, initiative.pk]
    return goals


def hold_extended_workshop(user, extended, bonn, clock):
    """30 places: 27 added by the organisers and 3 self-registrations fill them; 3 more wait.
    A cancellation offers the place to the first on the waiting list, who accepts by e-mail."""
    coordinator = logged_in(user)
    workshop_day = day_at(clock.now + timedelta(days=42), 14)
    publish(
        coordinator,
        extended,
        starts_at=workshop_day,
        deadline=workshop_day - timedelta(days=3),
        capacity=30,
        admission="open",
    )
    assert extended.capacity == 30

    added = PersonFactory.create_batch(27, municipality=bonn)
    response = coordinator.post(
        url("events:participant_add", extended.pk), {"people": [p.pk for p in added]}, follow=True
    )
    assert "27 people confirmed." in page_messages(response)

    self_registered = [participant_account(bonn) for _ in range(6)]
    mail.outbox.clear()
    for number, (user, _person) in enumerate(self_registered, start=1):
        response = logged_in(user).post(url("participate:register", extended.pk), follow=True)
        if number > 3:
            position = number - 3
            assert f"you are number {position} on the waiting list" in page_messages(response)[0]
    confirmed = Registration.objects.filter(event=extended, status=Status.CONFIRMED)
    assert confirmed.count() == 30
    waiting = [person for _user, person in self_registered[3:]]
    staff_page = coordinator.get(url("events:event_detail", extended.pk))
    assert [(r.person, r.position) for r in staff_page.context["waiting"]] == [
        (waiting[0], 1),
        (waiting[1], 2),
        (waiting[2], 3),
    ]

    # The first self-registered participant cancels through the link in the confirmation.
    _user, leaving = self_registered[0]
    (confirmation,) = messages_to(leaving, "")
    mail.outbox.clear()
    response = Client().post(
        link_in(confirmation), {"email": leaving.email, "action": "cancel", "confirm": "yes"}
    )
    assert response.context["done"] == "Your registration has been cancelled."

    (offer,) = messages_to(waiting[0])
    assert waiting[0].name in offer.body
    response = Client().post(link_in(offer), {"email": waiting[0].email, "action": "accept"})
    assert response.context["done"] == "You have accepted the place. See you there!"
    assert Registration.objects.get(event=extended, person=waiting[0]).status == Status.CONFIRMED
    assert confirmed.count() == 30
    staff_page = coordinator.get(url("events:event_detail", extended.pk))
    assert [(r.person, r.position) for r in staff_page.context["waiting"]] == [
        (waiting[1], 1),
        (waiting[2], 2),
    ]


def participant_account(municipality):
    user = user_with_role(Role.PARTICIPANT)
    return user, PersonFactory(user=user, municipality=municipality, language="en")


def hold_evaluation_workshop(user, evaluation, circle, goals, bonn, clock):
    """Only the initiative circle takes part; the goals are rated."""
    coordinator = logged_in(user)
    day = day_at(clock.now + timedelta(days=60), 10)
    publish(coordinator, evaluation, starts_at=day, deadline=day - timedelta(days=3))

    outsider_user, outsider = participant_account(bonn)
    response = logged_in(outsider_user).post(
        url("participate:register", evaluation.pk), follow=True
    )
    assert page_messages(response) == [NOT_IN_CIRCLE]

    response = coordinator.post(
        url("events:participant_add", evaluation.pk), {"people": [outsider.pk]}
    )
    assert f"{outsider.name}: {NOT_IN_CIRCLE}" in response.content.decode()
    response = coordinator.post(
        url("events:participant_add", evaluation.pk), {"people": [p.pk for p in circle]}
    )
    assert response.status_code == 302
    assert set(
        Registration.objects.filter(event=evaluation, status=Status.CONFIRMED).values_list(
            "person", flat=True
        )
    ) == {p.pk for p in circle}

    clock.travel_to(day + timedelta(hours=2))
    coordinator = logged_in(user)
    ratings = url("events:ratings", evaluation.pk)
    assert coordinator.get(ratings).status_code == 200
    first, second = goals
    response = coordinator.post(
        ratings,
        {
            f"goal-{first.pk}-rating": "achieved",
            f"goal-{first.pk}-comment": "Beide Vereine haben MSO im Vorstand.",
            f"goal-{second.pk}-rating": "partly",
            f"goal-{second.pk}-comment": "",
        },
        follow=True,
    )
    assert "2 ratings saved." in page_messages(response)
    assert dict(GoalRating.objects.values_list("goal", "rating")) == {
        first.pk: "achieved",
        second.pk: "partly",
    }
    assert set(GoalRating.objects.values_list("workshop", flat=True)) == {evaluation.pk}
