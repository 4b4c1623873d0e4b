"""A municipality's partnerships abroad and what each seeks (its profile): one service writes
both in one transaction, with one audit entry each. The rule: `programs.manage_partnerships`
(the program office; the municipality's coordinators)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.actors.models import Organisation, Person
from bruecken.permissions import require
from bruecken.places.models import Partnership

from . import stored
from .models import PartnershipProfile

PARTNERSHIP_FIELDS = ["partner_name", "country", "kind", "since", "status", "note", "source"]
PROFILE_M2M = ["topics", "languages", "engagement_forms", "contacts"]
PROFILE_FIELDS = ["carried_by", *PROFILE_M2M]


def _check_actors(user, partnership, values):
    """Who carries the partnership and its contacts: only organisations of its municipality,
    only actors the user may see (the pickers offer no others; a forged id is refused here)."""
    carried_by = values.get("carried_by")
    if carried_by is not None and not (
        Organisation.objects.visible_to(user)
        .filter(pk=carried_by.pk, municipality_id=partnership.municipality_id)
        .exists()
    ):
        raise ValidationError(
            {"carried_by": _("Choose an organisation of the partnership's municipality.")}
        )
    contacts = values.get("contacts")
    if contacts:
        ids = {person.pk for person in contacts}
        if Person.objects.visible_to(user).filter(pk__in=ids).count() != len(ids):
            raise ValidationError({"contacts": _("Choose people you may see.")})


def _save(user, partnership, values):
    subjects = [partnership.municipality]
    with audit.changes(user, partnership, PARTNERSHIP_FIELDS, subjects=subjects):
        for name in PARTNERSHIP_FIELDS:
            if name in values:
                setattr(partnership, name, values[name])
        partnership.full_clean()
        partnership.save()
    if any(name in values for name in PROFILE_FIELDS):
        _check_actors(user, partnership, values)
        profile = PartnershipProfile.objects.filter(partnership=partnership).first()
        profile = profile or PartnershipProfile(partnership=partnership)
        with audit.changes(user, profile, PROFILE_FIELDS, subjects=[*subjects, partnership]):
            if "carried_by" in values:
                profile.carried_by = values["carried_by"]
            profile.save()
            for name in PROFILE_M2M:
                if name in values:
                    getattr(profile, name).set(values[name] or [])
    stored.recompute_soon([partnership.pk])
    return partnership


@transaction.atomic
def create_partnership(user, municipality, values):
    """A new partnership of `municipality`, with its profile when `values` name any of it."""
    require(user, "programs.manage_partnerships", municipality)
    return _save(user, Partnership(municipality=municipality), values)


@transaction.atomic
def update_partnership(user, partnership, values):
    """Change a partnership and its profile (only the fields in `values`); its municipality
    stays."""
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .get(pk=partnership.pk)
    )
    require(user, "programs.manage_partnerships", partnership.municipality)
    return _save(user, partnership, values)


@transaction.atomic
def delete_partnership(user, partnership):
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .get(pk=partnership.pk)
    )
    require(user, "programs.manage_partnerships", partnership.municipality)
    subjects = [partnership.municipality]
    profile = PartnershipProfile.objects.filter(partnership=partnership).first()
    if profile is not None:
        audit.deleted(user, profile, PROFILE_FIELDS, subjects=[*subjects, partnership])
    audit.deleted(user, partnership, PARTNERSHIP_FIELDS, subjects=subjects)
    partnership.delete()
