"""The partnerships' figures per municipality for the program dashboard and the guideline's
municipality chapter (registered with `bruecken/figures.py`), in two queries however many
municipalities:

- partnerships linked: active partnerships with at least one migrant organisation linked, of
  all active partnerships. "Linked" means an accepted introduction for the partnership whose
  other side is a migrant organisation and whose tie still holds (not ended); the one record
  that says both sides agreed, unlike a tie of the carrying organisation, which may predate
  and have nothing to do with the partnership;
- introductions made (proposed, not withdrawn), and of them accepted;
- accepted introductions that led to joint results: a result of the program (`programs.Result`)
  for which both organisations are responsible, recorded after the introduction was accepted.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.actors.models import OrganisationKind, Tie
from bruecken.figures import Figure
from bruecken.places.models import Partnership
from bruecken.programs.models import Result

from .models import Introduction, IntroductionStatus

ACCEPTED = IntroductionStatus.ACCEPTED


def _partnership_counts(municipality_ids, today):
    linked = Introduction.objects.filter(
        partnership=OuterRef("pk"),
        status=ACCEPTED,
        second__kind=OrganisationKind.MIGRANT_ORGANISATION,
        tie__in=Tie.objects.current(on=today),
    )
    rows = (
        Partnership.objects.active()
        .filter(municipality_id__in=municipality_ids)
        .annotate(is_linked=Exists(linked))
        .order_by()
        .values("municipality_id")
        .annotate(total=Count("pk"), linked=Count("pk", filter=Q(is_linked=True)))
    )
    return {row["municipality_id"]: row for row in rows}


def _introduction_counts(municipality_ids):
    joint = Result.objects.filter(
        organisations=OuterRef("first_id"), created_at__gte=OuterRef("decided_at")
    ).filter(organisations=OuterRef("second_id"))
    rows = (
        Introduction.objects.filter(municipality_id__in=municipality_ids)
        .exclude(status=IntroductionStatus.WITHDRAWN)
        .annotate(has_joint=Exists(joint))
        .order_by()
        .values("municipality_id")
        .annotate(
            made=Count("pk"),
            accepted=Count("pk", filter=Q(status=ACCEPTED)),
            joint=Count("pk", filter=Q(status=ACCEPTED, has_joint=True)),
        )
    )
    return {row["municipality_id"]: row for row in rows}


def per_municipality(municipality_ids, now):
    ids = list(municipality_ids)
    partnerships = _partnership_counts(ids, timezone.localdate(now))
    made = _introduction_counts(ids)
    found = {}
    for municipality_id in ids:
        own = partnerships.get(municipality_id, {})
        counts = made.get(municipality_id, {})
        found[municipality_id] = [
            Figure(
                "partnerships_linked",
                _("Partnerships with a migrant organisation linked"),
                own.get("linked", 0),
                own.get("total", 0),
            ),
            Figure("introductions_made", _("Introductions made"), counts.get("made", 0)),
            Figure(
                "introductions_accepted",
                _("Introductions accepted"),
                counts.get("accepted", 0),
                counts.get("made", 0),
            ),
            Figure(
                "introductions_joint_results",
                _("Accepted introductions that led to joint results"),
                counts.get("joint", 0),
                counts.get("accepted", 0),
            ),
        ]
    return found
