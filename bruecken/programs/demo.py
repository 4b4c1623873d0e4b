"""Demo program: the pilot's five model municipalities at different stages, so dashboards and
reports have real content. Bonn has completed its process (the demo facilitator works there, and
its network shows the change from before the initiative workshop to after the evaluation);
Kiel and Leipzig are under way; Kreis Düren has invited to its initiative workshop; München has
not started, so its coordinator can start the process from the template. All dates are relative
to today."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from bruecken.actors.models import Organisation, OrganisationKind, Person, Tie, TieKind
from bruecken.events.models import AgendaItem, Event, Invitation, Registration
from bruecken.places.models import Municipality
from bruecken.programs.models import (
    Admission,
    Goal,
    GoalRating,
    LocalProcess,
    Program,
    Rating,
    Result,
    ResultKind,
    ResultStatus,
    ResultStatusChange,
    WorkshopKind,
)
from bruecken.programs.services import load_default_template

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


@transaction.atomic
def create_demo_program():
    rng = random.Random(2008)
    template = load_default_template()
    today = timezone.localdate()
    program = Program.objects.create(
        name=PROGRAM_NAME,
        description="Kommunen und Migrantenorganisationen arbeiten in vier Workshops je "
        "Modellkommune zusammen (fiktive Demo-Daten).",
        office="Servicestelle Kommunen in der Einen Welt",
        starts_on=today - timedelta(days=365),
        ends_on=today + timedelta(days=365),
        template=template,
    )
    municipalities = list(Municipality.objects.filter(ags__in=[*SCHEDULES, "09162000"]))
    program.municipalities.set(municipalities)
    for municipality in municipalities:
        if municipality.ags in SCHEDULES:
            _create_process(rng, program, municipality, SCHEDULES[municipality.ags])
    _create_program_events(program, municipalities)
    return program


def _create_process(rng, program, municipality, schedule):
    process = program.processes.create(municipality=municipality, template=program.template)
    # Started a month before its first workshop (auto_now_add would say "today").
    LocalProcess.objects.filter(pk=process.pk).update(started_at=_at(schedule[0] - 30))
    people = _people(municipality)
    circle = people[:14]
    workshops = []
    for step, offset in zip(program.template.steps.order_by("position"), schedule, strict=True):
        event = Event.objects.create(
            program=program,
            process=process,
            position=step.position,
            kind=step.kind,
            title=f"{step.title} {municipality.name}",
            description=step.purpose,
            capacity_min=step.capacity_min,
            capacity=step.capacity_max,
            admission=step.admission,
            starts_at=_at(offset) if offset is not None else None,
            ends_at=_at(offset, 16) if offset is not None else None,
            registration_deadline=_at(offset - 7, 12) if offset is not None else None,
            venue=f"Rathaus {municipality.name}, Ratssaal" if offset is not None else "",
            is_published=offset is not None,
        )
        if offset is not None:
            AgendaItem.objects.bulk_create(
                [
                    AgendaItem(event=event, starts_at=time(10, 0), title="Begrüßung"),
                    AgendaItem(event=event, starts_at=time(10, 30), title="Arbeitsgruppen"),
                    AgendaItem(event=event, starts_at=time(15, 0), title="Ergebnisse und Ausblick"),
                ]
            )
        workshops.append((event, offset))
    for event, offset in workshops:
        if offset is None:
            continue
        held = offset < 0
        if event.kind == WorkshopKind.INITIATIVE:
            attendees = circle
            for person in circle:
                Invitation.objects.create(
                    event=event,
                    person=person,
                    status=Invitation.Status.ACCEPTED if held else Invitation.Status.PENDING,
                )
            if not held:
                continue
        elif event.kind == WorkshopKind.EVALUATION:
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
        for person in attendees:
            Registration.objects.create(
                event=event,
                person=person,
                status=Registration.Status.CONFIRMED,
                source=Registration.Source.ORGANISER,
                attended=(rng.random() > 0.1) if held else None,
                registered_at=event.starts_at - timedelta(days=14),
            )
        if held:
            event.minutes = f"## {event.title}\n\nFiktives Protokoll (Demo).\n"
            event.save(update_fields=["minutes"])
    _create_goals_and_results(rng, process, workshops)
    _create_ties_from_workshops(rng, process, workshops)
    return process


def _create_ties_from_workshops(rng, process, workshops):
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
            Tie.objects.create(
                source=source,
                target=target,
                kind=rng.choice(kinds),
                started_on=event.starts_at.date() + timedelta(days=rng.randint(7, 40)),
                note=f"Entstanden beim {event.title} (Demo)",
            )


def _create_goals_and_results(rng, process, workshops):
    initiative, initiative_offset = workshops[0]
    if initiative_offset is None or initiative_offset >= 0:
        return
    organisations = list(
        Organisation.objects.filter(municipality=process.municipality, is_demo=True).order_by("pk")
    )
    migrant = [o for o in organisations if o.kind == OrganisationKind.MIGRANT_ORGANISATION]
    goals = [
        Goal.objects.create(
            process=process,
            workshop=initiative,
            title=title,
            indicator=indicator,
            responsible=rng.choice(organisations),
            target_date=initiative.starts_at.date() + timedelta(days=300),
            # The municipality publishes most of its goals on the website; one stays internal.
            is_public=index < len(GOALS) - 1,
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
            result = Result.objects.create(
                workshop=event,
                kind=kind,
                text=text,
                status=status,
                # Open questions stay internal; the rest is shown on the website.
                is_public=kind != ResultKind.OPEN_QUESTION,
            )
            result.goals.set(rng.sample(goals, 1))
            result.organisations.set(rng.sample(migrant, 1) + rng.sample(organisations, 1))
            ResultStatusChange.objects.create(
                result=result, status=ResultStatus.PLANNED, changed_on=event.starts_at.date()
            )
            if status != ResultStatus.PLANNED:
                ResultStatusChange.objects.create(
                    result=result,
                    status=status,
                    changed_on=event.starts_at.date() + timedelta(days=30),
                )
        if event.kind == WorkshopKind.EVALUATION:
            for goal, rating in zip(
                goals,
                [Rating.ACHIEVED, Rating.PARTLY, Rating.ACHIEVED, Rating.NOT_ACHIEVED],
                strict=True,
            ):
                GoalRating.objects.create(
                    goal=goal,
                    workshop=event,
                    rating=rating,
                    comment="Bewertung im Auswertungsworkshop.",
                )


def _create_program_events(program, municipalities):
    Event.objects.create(
        program=program,
        kind=WorkshopKind.EXCHANGE,
        title="Erfahrungsaustausch der Modellkommunen",
        description="Die Modellkommunen berichten einander von ihren lokalen Prozessen.",
        starts_at=_at(45),
        ends_at=_at(45, 17),
        registration_deadline=_at(35, 12),
        venue="Servicestelle, Friedrich-Ebert-Allee 40, 53113 Bonn",
        capacity=len(municipalities) * 3,
        places_per_municipality=3,
        admission=Admission.DELEGATES,
        is_published=True,
    )
    Event.objects.create(
        program=program,
        kind=WorkshopKind.SEMINAR,
        title="Beratungsseminar: Fördermittel für entwicklungspolitische Bildungsarbeit",
        topic="Fördermittel beantragen",
        description="Für Migrantenorganisationen: Programme, Anträge, Abrechnung.",
        starts_at=_at(21, 14),
        ends_at=_at(21, 18),
        registration_deadline=_at(18, 12),
        venue="Online",
        online_url="https://konferenz.example/seminar",
        capacity=25,
        admission=Admission.OPEN,
        is_published=True,
    )
