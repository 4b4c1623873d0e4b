"""Who may do what with recommendations and guideline editions.

Facilitators and municipal coordinators propose recommendations (from the processes they work
in), edit their own drafts and submit them for review; the program office edits categories,
reviews, composes and publishes editions. Published editions are public documents."""

import rules

from bruecken.accounts import roles
from bruecken.accounts.rules import is_program_office


@rules.predicate
def works_in_program(user, program):
    """Coordinates or facilitates a municipality taking part in the program (None: any)."""
    ids = roles.working_municipality_ids(user)
    if not ids:
        return False
    if program is None:
        return True
    return program.municipalities.filter(pk__in=ids).exists()


@rules.predicate
def works_in_recommendations_program(user, recommendation):
    return recommendation is not None and works_in_program(user, recommendation.program)


@rules.predicate
def is_author(user, recommendation):
    return (
        recommendation is not None
        and user.is_authenticated
        and recommendation.created_by_id == user.pk
    )


@rules.predicate
def is_draft(user, recommendation):
    return recommendation is not None and recommendation.status == "draft"


@rules.predicate
def is_published_edition(user, edition):
    return edition is not None and edition.is_published


rules.add_perm("guide.propose_recommendation", is_program_office | works_in_program)
rules.add_perm("guide.view_recommendation", is_program_office | works_in_recommendations_program)
rules.add_perm(
    "guide.edit_recommendation",
    is_program_office | (is_author & is_draft & works_in_recommendations_program),
)
rules.add_perm(
    "guide.submit_recommendation",
    is_draft & (is_program_office | (is_author & works_in_recommendations_program)),
)
rules.add_perm("guide.review_recommendation", is_program_office)
rules.add_perm("guide.manage_categories", is_program_office)
rules.add_perm("guide.manage_editions", is_program_office)
rules.add_perm("guide.view_edition", is_program_office | is_published_edition)
# The frozen edition as published, with the names taken out since (redaction.py).
rules.add_perm("guide.view_unredacted_edition", is_program_office)
