"""The actor groups of the flyer's figure "actors to involve and networking we aim for", and the
two sides the network measures compare: the migrant side (migrant organisations) and the
municipal side (administration, NGOs, other institutions)."""

from django.utils.translation import gettext_lazy as _

from bruecken.actors.models import OrganisationKind

MIGRANT = "migrant"
MUNICIPAL = "municipal"
SIDES = {MIGRANT: _("migrant side"), MUNICIPAL: _("municipal side")}

MIGRANT_ORGANISATIONS = "migrant_organisations"
ADMINISTRATION = "administration"
NGOS = "ngos"
OTHER_INSTITUTIONS = "other_institutions"
GROUPS = {
    MIGRANT_ORGANISATIONS: _("migrant organisations"),
    ADMINISTRATION: _("administration"),
    NGOS: _("NGOs"),
    OTHER_INSTITUTIONS: _("other institutions"),
}
GROUP_ORDER = list(GROUPS)


def group_of(kind):
    """The actor group of an organisation kind."""
    if kind == OrganisationKind.MIGRANT_ORGANISATION:
        return MIGRANT_ORGANISATIONS
    if kind == OrganisationKind.ADMINISTRATION:
        return ADMINISTRATION
    if kind == OrganisationKind.NGO:
        return NGOS
    return OTHER_INSTITUTIONS


def side_of(group):
    return MIGRANT if group == MIGRANT_ORGANISATIONS else MUNICIPAL
