"""Demo data for the advisory follow-up: advice at the demo's advisory seminar that took place
three weeks ago (advice is given in the past, never at a seminar still to come) for two
migrant organisations (one in Bonn, whose representative can see it, one in Leipzig), each with
next steps and a follow-up date, and an earlier consultation in Bonn whose follow-up is overdue,
so that the reminder, the waiting item and the dashboard's figure show something. The demo
program office records them through the services; the Bonn facilitator is the advisor."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bruecken.accounts.models import Role, RoleAssignment
from bruecken.actors.models import Organisation, OrganisationKind, Topic
from bruecken.advisory.models import Advice, AdviceKind
from bruecken.advisory.services import record_advice
from bruecken.events.models import Event
from bruecken.programs.models import WorkshopKind

from .accounts import COORDINATORS, demo_office

SEMINAR_ADVICE = [
    (
        COORDINATORS["bonn"],
        "Antrag beim Förderprogramm für entwicklungspolitische Bildungsarbeit",
        "Projektskizze bis Monatsende an die Koordination schicken; Kosten- und Finanzierungsplan "
        "mit der Vorlage aus dem Seminar erstellen.",
        ["sdg-4"],
    ),
    (
        COORDINATORS["leipzig"],
        "Abrechnung von Fördermitteln und Verwendungsnachweis",
        "Belegliste nach dem Muster aus dem Seminar anlegen; Rückfragen zum Verwendungsnachweis "
        "gesammelt an die Beratung schicken.",
        ["sdg-17"],
    ),
]
CONSULTATION = (
    COORDINATORS["bonn"],
    "Satzungsänderung für die Gemeinnützigkeit",
    "Entwurf der geänderten Satzung mit dem Finanzamt abstimmen; Mitgliederversammlung einladen.",
    [],
)


def _migrant_organisation(ags):
    return (
        Organisation.objects.filter(
            municipality__ags=ags, kind=OrganisationKind.MIGRANT_ORGANISATION, is_demo=True
        )
        .order_by("pk")
        .first()
    )


def _advisor(office):
    facilitator = (
        RoleAssignment.objects.filter(role=Role.FACILITATOR, municipality__ags=COORDINATORS["bonn"])
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return facilitator.user if facilitator is not None else office


def _record(office, organisation, values):
    if Advice.objects.filter(organisation=organisation, topic=values["topic"]).exists():
        return None
    return record_advice(office, organisation, values)


@transaction.atomic
def create_demo_advisory():
    """Idempotent: records what is missing. Returns the advice recorded now."""
    office = demo_office()
    advisor = _advisor(office)
    # The latest seminar that has begun: advice is dated when it was given.
    seminar = (
        Event.objects.filter(
            kind=WorkshopKind.SEMINAR,
            process__isnull=True,
            starts_at__lte=timezone.now(),
            cancelled_at__isnull=True,
        )
        .order_by("-starts_at", "-pk")
        .first()
    )
    recorded = []
    if seminar is not None:
        given_on = timezone.localtime(seminar.starts_at).date()
        for ags, topic, next_steps, topic_codes in SEMINAR_ADVICE:
            organisation = _migrant_organisation(ags)
            if organisation is None:
                continue
            advice = _record(
                office,
                organisation,
                {
                    "kind": AdviceKind.SEMINAR,
                    "event": seminar,
                    "topic": topic,
                    "topics": list(Topic.objects.filter(code__in=topic_codes)),
                    "advisor": advisor,
                    "given_on": given_on,
                    "next_steps": next_steps,
                    "follow_up_on": given_on + timedelta(days=28),
                },
            )
            if advice is not None:
                recorded.append(advice)
    ags, topic, next_steps, topic_codes = CONSULTATION
    organisation = _migrant_organisation(ags)
    if organisation is not None:
        today = timezone.localdate()
        advice = _record(
            office,
            organisation,
            {
                "kind": AdviceKind.CONSULTATION,
                "event": None,
                "topic": topic,
                "topics": list(Topic.objects.filter(code__in=topic_codes)),
                "advisor": advisor,
                "given_on": today - timedelta(days=30),
                "next_steps": next_steps,
                "follow_up_on": today - timedelta(days=2),
            },
        )
        if advice is not None:
            recorded.append(advice)
    return recorded
