"""What the home page offers a migrant organisation's representative (bruecken/waiting.py):
the partnerships in its countries (one query)."""

from django.urls import reverse
from django.utils.translation import gettext

from bruecken.accounts import roles
from bruecken.actors.models import Organisation, OrganisationKind
from bruecken.waiting import Item
from bruecken.web import fill, german

# Organisations one representative is shown at most (they rarely represent more).
SHOWN = 5


def waiting_for(user, now):
    represented = roles.represented_organisation_ids(user)
    if not represented:
        return []
    organisations = Organisation.objects.filter(
        pk__in=represented, kind=OrganisationKind.MIGRANT_ORGANISATION
    ).only("pk", "name")[:SHOWN]
    return [
        Item(
            fill(
                gettext("Partnerships in the countries of %(name)s"),
                name=german(organisation.name),
            ),
            reverse("partnerships:organisation_partnerships", args=[organisation.pk]),
            kind="info",
        )
        for organisation in organisations
    ]
