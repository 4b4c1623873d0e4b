"""Who may record, see and follow up which advice. Mirrored for lists by
`Advice.objects.visible_to` and `recordable_organisations` (models.py); tests keep them in step.

The program office records and sees all; a coordinator records and sees the advice to the
organisations of their municipality; the advisor sees and follows up the advice they gave; a
representative sees (only) the advice their organisation received."""

import rules

from bruecken.accounts import roles
from bruecken.accounts.rules import is_coordinator, is_program_office
from bruecken.actors.rules import coordinates_organisation, represents_organisation, user_active


@rules.predicate
def coordinates_advice(user, advice):
    return advice is not None and coordinates_organisation.test(user, advice.organisation)


@rules.predicate
def is_advisor(user, advice):
    return advice is not None and user_active(user) and advice.advisor_id == user.pk


@rules.predicate
def represents_advised(user, advice):
    return advice is not None and represents_organisation.test(user, advice.organisation)


@rules.predicate
def may_advise(user):
    # The roles advisors are named from (models.ADVISOR_ROLES); from the cached roles, so that
    # the navigation asks no query.
    return bool(roles.working_municipality_ids(user))


may_change_advice = is_program_office | coordinates_advice
may_follow_up_advice = may_change_advice | is_advisor

# Recording advice to an organisation (the object); without one: whether the form is offered.
rules.add_perm("advisory.record_advice", is_program_office | coordinates_organisation)
rules.add_perm("advisory.add_advice", is_program_office | is_coordinator)
rules.add_perm("advisory.change_advice", may_change_advice)
rules.add_perm("advisory.delete_advice", may_change_advice)
rules.add_perm("advisory.follow_up_advice", may_follow_up_advice)
rules.add_perm("advisory.view_advice", may_follow_up_advice | represents_advised)
# An organisation's "Beratung" page.
rules.add_perm(
    "advisory.view_organisation_advice",
    is_program_office | coordinates_organisation | represents_organisation,
)
# "Who was advised on what": the program office sees all of it, a coordinator their
# municipality's, a facilitator the advice they gave (the list is `Advice.objects.visible_to`).
rules.add_perm("advisory.view_overview", is_program_office | may_advise)
# The overview's export: as the page.
rules.add_perm("advisory.export_advice", is_program_office | may_advise)
