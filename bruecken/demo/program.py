"""Demo program: the pilot's five model municipalities at different stages, so dashboards and
reports have real content. Bonn has completed its process (the demo facilitator works there, and
its network shows the change from before the initiative workshop to after the evaluation);
Kiel and Leipzig are under way; Kreis Düren has invited to its initiative workshop; München has
not started, so its coordinator can start the process from the template. All dates are relative
to today.

The demo program office does it all through the services of programs and events, as staff would
(so each row has its audit entries); dates in the past that no service sets (when a process
started, when people registered and were invited, when a result changed its status) are put
right afterwards."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from bruecken.actors.models import Organisation, OrganisationKind, Person, Tie, TieKind
from bruecken.actors.services import add_tie
from bruecken.events.models import Invitation, Registration
from bruecken.events.services.invitations import answer_invitation, invite
from bruecken.events.services.places import add_participant
from bruecken.events.services.staff import (
    add_agenda_item,
    create_program_event,
    mark_attendance,
    update_event,
    update_minutes,
)
from bruecken.events.tokens import invitation_token
from bruecken.places.models import Municipality
from bruecken.programs.models import (
    Admission,
    LocalProcess,
    Program,
    Rating,
    ResultKind,
    ResultStatus,
    ResultStatusChange,
    WorkshopKind,
)
from bruecken.programs.services import (
    add_goal,
    add_result,
    create_program,
    load_default_template,
    rate_goal,
    start_local_process,
    update_result,
)

from .accounts import demo_office
from .quiet import tasks_dropped

PROGRAM_NAME = "Migration und Entwicklung auf lokaler Ebene (Demo)"
# Days from today of each workshop (initiative, extended I, extended II, evaluation); None: draft.
SCHEDULES = {
    "05314000": [-300, -230, -150, -60],  # Bonn: completed
    "01002000": [-90, -30, 20, None],  # Kiel
    "14713000": [-60, 25, None, None],  # Leipzig
    "05358": [16, None, None, None],  # Kreis Düren: invitations out
}
GOALS = [
    ("Runder Tisch Migration und Entwicklung", "Vier Treffen im Jahr mit Protokoll"),
    ("Migrantenorganisationen im Eine-Welt-Beirat", "Zwei Sitze im Beirat besetzt"),
    ("Gemeinsames Schulprojekt Globales Lernen", "Drei Schulen beteiligt"),
    ("Partnerschaft mit der Diaspora beleben", "Ein gemeinsames Projekt mit der Partnerstadt"),
]
RESULTS = [
    (ResultKind.AGREEMENT, "Die Stadt lädt Migrantenorganisationen zum Eine-Welt-Beirat ein."),
    (ResultKind.PROJECT_IDEA, "Schulbesuche von Referentinnen aus der Diaspora."),
    (ResultKind.COOPERATION, "Weltladen und ghanaischer Verein planen einen Aktionstag."),
    (ResultKind.LESSON, "Termine am Wochenende erreichen mehr Ehrenamtliche."),
    (ResultKind.OPEN_QUESTION, "Wie werden Fahrtkosten von Ehrenamtlichen erstattet?"),
    (ResultKind.AGREEMENT, "Das Büro für Internationales benennt eine feste Ansprechperson."),
    (ResultKind.COOPERATION, "Volkshochschule und Diaspora-Vereine bieten eine Vortragsreihe an."),
    (ResultKind.LESSON, "Dolmetschen in den Arbeitsgruppen öffnet die Diskussion."),
]

AGENDA = [(10, 0, "Begrüßung"), (10, 30, "Arbeitsgruppen"), (15, 0, "Ergebnisse und Ausblick")]


def demo_program_exists():
    return Program.objects.filter(name=PROGRAM_NAME).exists()


def _at(day_offset, hour=10):
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _people(municipality):
    return list(
        Person.objects.filter(is_demo=True, municipality=municipality).order_by(
            "-is_decision_maker", "-is_multiplier", "pk"
        )
    )


def create_demo_program(office=None):
    """The program with its processes, entered by `office` (the demo program office unless
    given). The invitations and registrations would e-mail fictional people: those e-mails are
    dropped."""
    with tasks_dropped():
        return _create_demo_program(office or demo_office())


@transaction.atomic
def _create_demo_program(office):
    rng = random.Random(2008)
    today = timezone.localdate()
    municipalities = list(Municipality.objects.filter(ags__in=[*SCHEDULES, "09162000"]))
    program = create_program(
        office,
        {
            "name": PROGRAM_NAME,
            "description": "Kommunen und Migrantenorganisationen arbeiten in vier Workshops je "
            "Modellkommune zusammen (fiktive Demo-Daten).",
            "office": "Servicestelle Kommunen in der Einen Welt",
            "starts_on": today - timedelta(days=365),
            "ends_on": today + timedelta(days=365),
            "template": load_default_template(),
            "municipalities": municipalities,
        },
    )
    for municipality in municipalities:
        if municipality.ags in SCHEDULES:
            _create_process(rng, office, program, municipality, SCHEDULES[municipality.ags])
    _create_program_events(office, program, municipalities)
    return program


def _schedule_workshops(office, process, municipality, schedule):
    """The workshops the process was started with, dated and published where the schedule says
    so, with an agenda; those without a date stay drafts."""
    workshops = []
    for event, offset in zip(process.workshops.order_by("position"), schedule, strict=True):
        if offset is not None:
            event = update_event(
                office,
                event,
                {
                    "starts_at": _at(offset),
                    "ends_at": _at(offset, 16),
                    "registration_deadline": _at(offset - 7, 12),
                    "venue": f"Rathaus {municipality.name}, Ratssaal",
                    "is_published": True,
                },
            )
            for hour, minute, title in AGENDA:
                add_agenda_item(office, event, {"starts_at": time(hour, minute), "title": title})
        workshops.append((event, offset))
    return workshops


def _invite_circle(office, event, circle, held):
    """The initiative circle is invited; at a held workshop they accepted two weeks before and
    most of them came."""
    invitations = invite(office, event, circle)
    if not held:
        return []
    answered = event.starts_at - timedelta(days=14)
    # Invited (which the service dates today) four weeks before the workshop.
    Invitation.objects.filter(event=event).update(invited_at=event.starts_at - timedelta(days=28))
    registrations = []
    for invitation in invitations:
        _invitation, registration = answer_invitation(
            invitation_token(invitation), invitation.person.email, accept=True, now=answered
        )
        registrations.append(registration)
    return registrations


def _create_process(rng, office, program, municipality, schedule):
    process = start_local_process(office, program, municipality)
    # Started a month before its first workshop (the service says "now").
    LocalProcess.objects.filter(pk=process.pk).update(started_at=_at(schedule[0] - 30))
    people = _people(municipality)
    circle = people[:14]
    workshops = _schedule_workshops(office, process, municipality, schedule)
    for event, offset in workshops:
        if offset is None:
            continue
        held = offset < 0
        if event.kind == WorkshopKind.INITIATIVE:
            registrations = _invite_circle(office, event, circle, held)
            if not held:
                continue
        else:
            if event.kind == WorkshopKind.EVALUATION:
                # Only the initiative circle: those who attended the initiative workshop.
                attendees = list(
                    Person.objects.filter(
                        registrations__event=workshops[0][0], registrations__attended=True
                    )
                )
            elif held:
                # Not everyone comes to every workshop: each draws its own part of the registry,
                # so the network grows workshop by workshop instead of joining everyone at once.
                attendees = rng.sample(people, k=min(len(people), len(people) * 11 // 20))
            else:
                attendees = people[: min(len(people), 31)]
            registrations = [add_participant(office, event, person) for person in attendees]
            # Registered two weeks before the workshop (the service says "now"), where that
            # lies in the past.
            registered = min(event.starts_at - timedelta(days=14), timezone.now())
            Registration.objects.filter(event=event).update(registered_at=registered)
        if held:
            for registration in registrations:
                mark_attendance(office, registration, rng.random() > 0.1, now=event.starts_at)
            update_minutes(office, event, f"## {event.title}\n\nFiktives Protokoll (Demo).\n")
    _create_goals_and_results(rng, office, process, workshops)
    _create_ties_from_workshops(rng, office, process, workshops)
    return process


def _create_ties_from_workshops(rng, office, process, workshops):
    """Cooperations that grew out of the held workshops, recorded with the day they began:
    mostly between a migrant organisation and a municipal actor, which is what the program is
    for."""
    organisations = list(
        Organisation.objects.filter(municipality=process.municipality, is_demo=True).order_by("pk")
    )
    migrant = [o for o in organisations if o.kind == OrganisationKind.MIGRANT_ORGANISATION]
    municipal = [o for o in organisations if o.kind != OrganisationKind.MIGRANT_ORGANISATION]
    existing = {
        frozenset(pair)
        for pair in Tie.objects.filter(source__in=organisations).values_list(
            "source_id", "target_id"
        )
    }
    kinds = [TieKind.COOPERATION, TieKind.JOINT_PROJECT]
    for event, offset in workshops:
        if offset is None or offset >= 0 or not migrant or not municipal:
            continue
        for _ in range(3):
            source, target = rng.choice(migrant), rng.choice(municipal)
            if frozenset((source.pk, target.pk)) in existing:
                continue
            existing.add(frozenset((source.pk, target.pk)))
            add_tie(
                office,
                source,
                {
                    "target": target,
                    "kind": rng.choice(kinds),
                    "started_on": event.starts_at.date() + timedelta(days=rng.randint(7, 40)),
                    "note": f"Entstanden beim {event.title} (Demo)",
                },
            )


def _create_goals_and_results(rng, office, process, workshops):
    initiative, initiative_offset = workshops[0]
    if initiative_offset is None or initiative_offset >= 0:
        return
    organisations = list(
        Organisation.objects.filter(municipality=process.municipality, is_demo=True).order_by("pk")
    )
    migrant = [o for o in organisations if o.kind == OrganisationKind.MIGRANT_ORGANISATION]
    goals = [
        add_goal(
            office,
            initiative,
            {
                "title": title,
                "indicator": indicator,
                "responsible": rng.choice(organisations),
                "target_date": initiative.starts_at.date() + timedelta(days=300),
                # The municipality publishes most of its goals on the website; one stays
                # internal.
                "is_public": index < len(GOALS) - 1,
            },
        )
        for index, (title, indicator) in enumerate(GOALS)
    ]
    for index, (event, offset) in enumerate(workshops):
        if offset is None or offset >= 0:
            continue
        for kind, text in RESULTS[2 * index : 2 * index + 2]:
            status = (
                ResultStatus.DONE
                if workshops[-1][1] and workshops[-1][1] < 0
                else ResultStatus.IN_PROGRESS
            )
            # Planned at the workshop, under way or done a month later.
            result = add_result(
                office,
                event,
                {
                    "kind": kind,
                    "text": text,
                    "status": ResultStatus.PLANNED,
                    # Open questions stay internal; the rest is shown on the website.
                    "is_public": kind != ResultKind.OPEN_QUESTION,
                    "goals": rng.sample(goals, 1),
                    "organisations": rng.sample(migrant, 1) + rng.sample(organisations, 1),
                },
            )
            update_result(office, result, {"status": status})
            # The service dates each change today: dated as it happened.
            changes = ResultStatusChange.objects.filter(result=result)
            changes.filter(status=ResultStatus.PLANNED).update(changed_on=event.starts_at.date())
            changes.filter(status=status).update(
                changed_on=event.starts_at.date() + timedelta(days=30)
            )
        if event.kind == WorkshopKind.EVALUATION:
            for goal, rating in zip(
                goals,
                [Rating.ACHIEVED, Rating.PARTLY, Rating.ACHIEVED, Rating.NOT_ACHIEVED],
                strict=True,
            ):
                rate_goal(office, event, goal, rating, comment="Bewertung im Auswertungsworkshop.")


def _create_program_events(office, program, municipalities):
    create_program_event(
        office,
        program,
        {
            "kind": WorkshopKind.EXCHANGE,
            "title": "Erfahrungsaustausch der Modellkommunen",
            "description": "Die Modellkommunen berichten einander von ihren lokalen Prozessen.",
            "starts_at": _at(45),
            "ends_at": _at(45, 17),
            "registration_deadline": _at(35, 12),
            "venue": "Servicestelle, Friedrich-Ebert-Allee 40, 53113 Bonn",
            "capacity": len(municipalities) * 3,
            "places_per_municipality": 3,
            "admission": Admission.DELEGATES,
            "is_published": True,
        },
    )
    create_program_event(
        office,
        program,
        {
            "kind": WorkshopKind.SEMINAR,
            "title": "Beratungsseminar: Fördermittel für entwicklungspolitische Bildungsarbeit",
            "topic": "Fördermittel beantragen",
            "description": "Für Migrantenorganisationen: Programme, Anträge, Abrechnung.",
            "starts_at": _at(21, 14),
            "ends_at": _at(21, 18),
            "registration_deadline": _at(18, 12),
            "venue": "Online",
            "online_url": "https://konferenz.example/seminar",
            "capacity": 25,
            "admission": Admission.OPEN,
            "is_published": True,
        },
    )
    # Held three weeks ago: the demo's advice was given there (bruecken/demo/advisory.py).
    create_program_event(
        office,
        program,
        {
            "kind": WorkshopKind.SEMINAR,
            "title": "Beratungsseminar: Förderanträge und Verwendungsnachweise",
            "topic": "Fördermittel beantragen und abrechnen",
            "description": "Für die Migrantenorganisationen der Modellkommunen, auf Einladung.",
            "starts_at": _at(-21, 14),
            "ends_at": _at(-21, 18),
            "registration_deadline": _at(-24, 12),
            "venue": "Servicestelle, Friedrich-Ebert-Allee 40, 53113 Bonn",
            "capacity": 20,
            "admission": Admission.INVITED,
            "is_published": True,
        },
    )
