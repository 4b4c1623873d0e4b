"""Who may see and change which actors. Mirrored for lists by the models' `visibility_q`
(`Organisation.objects.visible_to`); tests keep the two in step."""

import rules

from bruecken.accounts import roles
from bruecken.accounts.rules import is_coordinator, is_program_office


def user_active(user):
    return user is not None and user.is_authenticated and user.is_active


@rules.predicate
def is_public(user, actor):
    return actor is not None and actor.is_public


def _organisation_in(name, municipality_ids):
    """A predicate: the organisation lies in one of the municipalities `municipality_ids(user)`
    names (those the user coordinates, or facilitates)."""

    def test(user, organisation):
        return (
            organisation is not None
            and user_active(user)
            and organisation.municipality_id in municipality_ids(user)
        )

    return rules.predicate(test, name=name)


coordinates_organisation = _organisation_in(
    "coordinates_organisation", roles.coordinated_municipality_ids
)
facilitates_organisation = _organisation_in(
    "facilitates_organisation", roles.facilitated_municipality_ids
)


@rules.predicate
def represents_organisation(user, organisation):
    return (
        organisation is not None
        and user_active(user)
        and organisation.pk in roles.represented_organisation_ids(user)
    )


def person_municipality_ids(person):
    """The person's own municipality and those of the organisations they belong to."""
    if not hasattr(person, "_municipality_ids"):
        ids = set(person.memberships.values_list("organisation__municipality_id", flat=True))
        if person.municipality_id:
            ids.add(person.municipality_id)
        person._municipality_ids = ids
    return person._municipality_ids


def _person_in(name, municipality_ids):
    """A predicate: the person is active in one of the municipalities `municipality_ids(user)`
    names (their own or one of their organisations')."""

    def test(user, person):
        return (
            person is not None
            and user_active(user)
            and bool(person_municipality_ids(person) & municipality_ids(user))
        )

    return rules.predicate(test, name=name)


coordinates_person = _person_in("coordinates_person", roles.coordinated_municipality_ids)
facilitates_person = _person_in("facilitates_person", roles.facilitated_municipality_ids)


@rules.predicate
def represents_person(user, person):
    if person is None or not user_active(user):
        return False
    organisation_ids = roles.represented_organisation_ids(user)
    return (
        bool(organisation_ids)
        and person.memberships.filter(organisation_id__in=organisation_ids).exists()
    )


@rules.predicate
def is_self(user, person):
    return person is not None and user_active(user) and person.user_id == user.pk


may_change_organisation = is_program_office | coordinates_organisation | represents_organisation
may_see_organisation_private = may_change_organisation | facilitates_organisation

rules.add_perm("actors.add_organisation", is_program_office | is_coordinator)
rules.add_perm("actors.view_organisation", may_see_organisation_private | is_public)
rules.add_perm("actors.view_organisation_private", may_see_organisation_private)
rules.add_perm("actors.change_organisation", may_change_organisation)
rules.add_perm("actors.delete_organisation", is_program_office | coordinates_organisation)

# Stewards keep a person's whole record; the person may keep their own details (SELF_EDITABLE
# in services.py), not how the process classifies them or where they are placed.
may_steward_person = is_program_office | coordinates_person | represents_person
may_change_person = may_steward_person | is_self
may_see_person_private = may_change_person | facilitates_person

rules.add_perm("actors.add_person", is_program_office | is_coordinator)
rules.add_perm("actors.view_person", may_see_person_private | is_public)
rules.add_perm("actors.view_person_private", may_see_person_private)
rules.add_perm("actors.change_person", may_change_person)
rules.add_perm("actors.steward_person", may_steward_person)
rules.add_perm("actors.delete_person", is_program_office | coordinates_person)
# Linking a person to a user account (account_links.py) gives that account the person's record.
rules.add_perm("actors.link_account", is_program_office | coordinates_person)


@rules.predicate
def may_change_membership(user, membership):
    return membership is not None and may_change_organisation.test(user, membership.organisation)


@rules.predicate
def may_change_tie(user, tie):
    # A tie joins two organisations: either side's steward may record or correct it.
    return tie is not None and (
        may_change_organisation.test(user, tie.source)
        or may_change_organisation.test(user, tie.target)
    )


rules.add_perm("actors.change_membership", may_change_membership)
rules.add_perm("actors.change_tie", may_change_tie)


@rules.predicate
def coordinates_municipality(user, municipality):
    return (
        municipality is not None
        and user_active(user)
        and municipality.pk in roles.coordinated_municipality_ids(user)
    )


# Creating actors in a municipality, or moving them there.
rules.add_perm("actors.manage_actors_in", is_program_office | coordinates_municipality)


@rules.predicate
def coordinates_listing_request(user, listing_request):
    return (
        listing_request is not None
        and user_active(user)
        and listing_request.municipality_id in roles.coordinated_municipality_ids(user)
    )


# Organisations that ask to be listed: reviewed by the coordinator of their municipality and by
# the program office (mirrored for the queue by `ListingRequest.objects.visible_to`).
rules.add_perm("actors.review_listing_requests", is_program_office | is_coordinator)
rules.add_perm("actors.review_listing_request", is_program_office | coordinates_listing_request)
