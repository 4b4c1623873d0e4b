"""What waits for a user among the listing requests (bruecken/waiting.py): the pending requests
of the municipalities they coordinate; for the program office those of municipalities without
an active coordinator (the ones it is told of, `listing.reviewers`). Two queries at most."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from bruecken.accounts import roles
from bruecken.accounts.models import Role, RoleAssignment
from bruecken.waiting import Item

from .models import ListingRequest


def waiting_for(user, now):
    if not user.has_perm("actors.review_listing_requests"):
        return []
    condition = Q(municipality_id__in=roles.coordinated_municipality_ids(user))
    if roles.is_program_office(user):
        coordinated = RoleAssignment.objects.filter(
            role=Role.COORDINATOR,
            municipality_id=OuterRef("municipality_id"),
            user__is_active=True,
        )
        condition |= ~Exists(coordinated)
    count = ListingRequest.objects.pending().filter(condition).count()
    return [
        Item(
            ngettext(
                "%(count)s organisation asks to be listed.",
                "%(count)s organisations ask to be listed.",
                count,
            )
            % {"count": count},
            reverse("actors:listing_requests"),
            count,
        )
    ]
