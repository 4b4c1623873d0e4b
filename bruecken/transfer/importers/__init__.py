"""What each kind of import understands, how a row is checked, and how a checked file is written.

`columns` holds what each kind understands (its columns and their header names), `base` what
every kind shares (row checks, plans, the run); one module per kind holds its checks, its
matching and its writing. Every kind is written set-based (`bulkrows`: 50,000
organisations or 200,000 people in seconds): the rules the actors app's services apply are
checked in the plan, row by row, and the audit entries go through `audit.record_many`."""

from .base import ImportRefused, Plan, file_problem
from .columns import (
    MEMBERSHIP_COLUMNS,
    ORGANISATION_COLUMNS,
    PARTNERSHIP_COLUMNS,
    PERSON_COLUMNS,
    TIE_COLUMNS,
    normalise,
    suggest_mapping,
)
from .memberships import MembershipImporter
from .organisations import OrganisationImporter
from .partnerships import PartnershipImporter
from .people import PersonImporter
from .ties import TieImporter

IMPORTERS = {
    importer.kind: importer
    for importer in (
        OrganisationImporter,
        PersonImporter,
        MembershipImporter,
        TieImporter,
        PartnershipImporter,
    )
}

__all__ = [
    "IMPORTERS",
    "MEMBERSHIP_COLUMNS",
    "ORGANISATION_COLUMNS",
    "PARTNERSHIP_COLUMNS",
    "PERSON_COLUMNS",
    "TIE_COLUMNS",
    "ImportRefused",
    "MembershipImporter",
    "OrganisationImporter",
    "PartnershipImporter",
    "PersonImporter",
    "Plan",
    "TieImporter",
    "file_problem",
    "normalise",
    "suggest_mapping",
]
