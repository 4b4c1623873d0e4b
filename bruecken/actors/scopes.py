"""Which rows a user may see: the list-page mirror of `rules.py`, as query filters."""

from django.db.models import Exists, OuterRef, Q

from bruecken.accounts import roles

from .models import Membership, Organisation, Person

NOTHING = Q(pk__in=[])


def organisation_filter(user, private=False):
    """Organisations the user may see (private=True: including their non-public data)."""
    if roles.is_program_office(user):
        return Q()
    condition = NOTHING if private else Q(consent_given_at__isnull=False)
    if user is None or not user.is_authenticated or not user.is_active:
        return condition
    municipalities = roles.coordinated_municipality_ids(user) | roles.facilitated_municipality_ids(
        user
    )
    if municipalities:
        condition |= Q(municipality_id__in=municipalities)
    represented = roles.represented_organisation_ids(user)
    if represented:
        condition |= Q(pk__in=represented)
    return condition


def person_filter(user, private=False):
    """People the user may see (private=True: including their non-public data)."""
    if roles.is_program_office(user):
        return Q()
    condition = NOTHING if private else Q(consent_given_at__isnull=False)
    if user is None or not user.is_authenticated or not user.is_active:
        return condition
    condition |= Q(user_id=user.pk)
    municipalities = roles.coordinated_municipality_ids(user) | roles.facilitated_municipality_ids(
        user
    )
    if municipalities:
        condition |= Q(municipality_id__in=municipalities) | Exists(
            Membership.objects.filter(
                person=OuterRef("pk"), organisation__municipality_id__in=municipalities
            )
        )
    represented = roles.represented_organisation_ids(user)
    if represented:
        condition |= Exists(
            Membership.objects.filter(person=OuterRef("pk"), organisation_id__in=represented)
        )
    return condition


def visible_organisations(user):
    return Organisation.objects.filter(organisation_filter(user))


def visible_people(user):
    return Person.objects.filter(person_filter(user))
