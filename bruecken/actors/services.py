"""Every change to actors, memberships and ties: rule check, transaction, audit entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts.audit import diff, record, snapshot
from bruecken.accounts.models import AuditEntry

from .models import Membership, Organisation, Person, Tie, name_key

ORGANISATION_FIELDS = [
    "name",
    "kind",
    "municipality",
    "competences",
    "description",
    "website",
    "email",
    "phone",
    "address",
    "founded",
]
ORGANISATION_M2M = ["countries", "topics", "engagement_forms", "languages"]
PERSON_FIELDS = [
    "name",
    "email",
    "phone",
    "municipality",
    "language",
    "competences",
    "is_decision_maker",
    "is_multiplier",
]
PERSON_M2M = ["languages", "countries"]
CONSENT_FIELDS = ["consent_given_at", "consent_given_by"]
MEMBERSHIP_FIELDS = ["person", "organisation", "role", "is_contact", "started_on", "ended_on"]
TIE_FIELDS = ["source", "target", "kind", "started_on", "ended_on", "note"]


class DuplicateOrganisation(ValidationError):
    """Another organisation of that name exists in the municipality."""

    def __init__(self, existing):
        self.existing = existing
        super().__init__(
            _("An organisation named “%(name)s” already exists in %(municipality)s.")
            % {"name": existing.name, "municipality": existing.municipality},
            code="duplicate",
        )


def require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _assign(instance, values, fields):
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


def _assign_m2m(instance, values, fields):
    for name in fields:
        if name in values:
            getattr(instance, name).set(values[name])


def _check_duplicate_organisation(organisation):
    existing = (
        Organisation.objects.filter(
            municipality=organisation.municipality, name_key=name_key(organisation.name)
        )
        .exclude(pk=organisation.pk)
        .select_related("municipality")
        .first()
    )
    if existing:
        raise DuplicateOrganisation(existing)


def _save_organisation(organisation):
    organisation.name_key = name_key(organisation.name)
    _check_duplicate_organisation(organisation)
    organisation.full_clean(exclude=["name_key"], validate_constraints=False)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Someone saved the same name between our check and our insert.
        _check_duplicate_organisation(organisation)
        raise


def _organisation_audit_fields():
    return ORGANISATION_FIELDS + ORGANISATION_M2M


@transaction.atomic
def create_organisation(user, values):
    require(user, "actors.manage_actors_in", values.get("municipality"))
    organisation = Organisation()
    _assign(organisation, values, ORGANISATION_FIELDS)
    _save_organisation(organisation)
    _assign_m2m(organisation, values, ORGANISATION_M2M)
    after = snapshot(organisation, _organisation_audit_fields())
    record(user, AuditEntry.Action.CREATE, organisation, diff({}, after))
    return organisation


@transaction.atomic
def update_organisation(user, organisation, values):
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(user, "actors.change_organisation", organisation)
    new_municipality = values.get("municipality", organisation.municipality)
    if new_municipality != organisation.municipality:
        require(user, "actors.manage_actors_in", new_municipality)
    before = snapshot(organisation, _organisation_audit_fields())
    _assign(organisation, values, ORGANISATION_FIELDS)
    _save_organisation(organisation)
    _assign_m2m(organisation, values, ORGANISATION_M2M)
    changes = diff(before, snapshot(organisation, _organisation_audit_fields()))
    if changes:
        record(user, AuditEntry.Action.UPDATE, organisation, changes)
    return organisation


@transaction.atomic
def delete_organisation(user, organisation):
    require(user, "actors.delete_organisation", organisation)
    pk = organisation.pk
    before = snapshot(organisation, _organisation_audit_fields())
    record(user, AuditEntry.Action.DELETE, organisation, diff(before, {}), object_id=pk)
    organisation.delete()


def _give_consent(user, actor, permission, given_by, given_at=None):
    require(user, permission, actor)
    given_by = (given_by or "").strip()
    if not given_by:
        raise ValidationError({"consent_given_by": _("Say who gave the consent.")})
    given_at = given_at or timezone.now()
    if given_at > timezone.now():
        raise ValidationError({"consent_given_at": _("Consent cannot be dated in the future.")})
    before = snapshot(actor, CONSENT_FIELDS)
    actor.consent_given_at = given_at
    actor.consent_given_by = given_by
    actor.consent_recorded_by = user
    actor.save(update_fields=["consent_given_at", "consent_given_by", "consent_recorded_by"])
    record(user, AuditEntry.Action.UPDATE, actor, diff(before, snapshot(actor, CONSENT_FIELDS)))
    return actor


def _withdraw_consent(user, actor, permission):
    require(user, permission, actor)
    if not actor.is_public:
        return actor
    before = snapshot(actor, CONSENT_FIELDS)
    actor.consent_given_at = None
    actor.consent_given_by = ""
    actor.consent_recorded_by = user
    actor.save(update_fields=["consent_given_at", "consent_given_by", "consent_recorded_by"])
    record(user, AuditEntry.Action.UPDATE, actor, diff(before, snapshot(actor, CONSENT_FIELDS)))
    return actor


@transaction.atomic
def give_organisation_consent(user, organisation, given_by, given_at=None):
    return _give_consent(user, organisation, "actors.change_organisation", given_by, given_at)


@transaction.atomic
def withdraw_organisation_consent(user, organisation):
    return _withdraw_consent(user, organisation, "actors.change_organisation")


def _person_audit_fields():
    return PERSON_FIELDS + PERSON_M2M


def _save_person(person):
    person.full_clean(exclude=["user"])
    person.save()


@transaction.atomic
def create_person(user, values):
    require(user, "actors.manage_actors_in", values.get("municipality"))
    person = Person()
    _assign(person, values, PERSON_FIELDS)
    _save_person(person)
    _assign_m2m(person, values, PERSON_M2M)
    record(
        user, AuditEntry.Action.CREATE, person, diff({}, snapshot(person, _person_audit_fields()))
    )
    return person


@transaction.atomic
def update_person(user, person, values):
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(user, "actors.change_person", person)
    new_municipality = values.get("municipality", person.municipality)
    if new_municipality != person.municipality and new_municipality is not None:
        require(user, "actors.manage_actors_in", new_municipality)
    before = snapshot(person, _person_audit_fields())
    _assign(person, values, PERSON_FIELDS)
    _save_person(person)
    _assign_m2m(person, values, PERSON_M2M)
    changes = diff(before, snapshot(person, _person_audit_fields()))
    if changes:
        record(user, AuditEntry.Action.UPDATE, person, changes)
    return person


@transaction.atomic
def delete_person(user, person):
    require(user, "actors.delete_person", person)
    pk = person.pk
    before = snapshot(person, _person_audit_fields())
    record(user, AuditEntry.Action.DELETE, person, diff(before, {}), object_id=pk)
    person.delete()


@transaction.atomic
def give_person_consent(user, person, given_by, given_at=None):
    return _give_consent(user, person, "actors.change_person", given_by, given_at)


@transaction.atomic
def withdraw_person_consent(user, person):
    return _withdraw_consent(user, person, "actors.change_person")


def _save_membership(user, membership):
    require(user, "actors.change_membership", membership)
    require(user, "actors.view_person", membership.person)
    membership.full_clean()
    membership.save()


@transaction.atomic
def add_membership(user, organisation, values):
    membership = Membership(organisation=organisation)
    _assign(membership, values, [f for f in MEMBERSHIP_FIELDS if f != "organisation"])
    _save_membership(user, membership)
    record(
        user,
        AuditEntry.Action.CREATE,
        membership,
        diff({}, snapshot(membership, MEMBERSHIP_FIELDS)),
        subjects=[membership.organisation, membership.person],
    )
    return membership


@transaction.atomic
def update_membership(user, membership, values):
    require(user, "actors.change_membership", membership)
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    # The organisation stays: moving a membership is ending one and adding another.
    _assign(membership, values, ["person", "role", "is_contact", "started_on", "ended_on"])
    _save_membership(user, membership)
    changes = diff(before, snapshot(membership, MEMBERSHIP_FIELDS))
    if changes:
        record(
            user,
            AuditEntry.Action.UPDATE,
            membership,
            changes,
            subjects=[membership.organisation, membership.person],
        )
    return membership


@transaction.atomic
def delete_membership(user, membership):
    require(user, "actors.change_membership", membership)
    record(
        user,
        AuditEntry.Action.DELETE,
        membership,
        diff(snapshot(membership, MEMBERSHIP_FIELDS), {}),
        subjects=[membership.organisation, membership.person],
    )
    membership.delete()


def _check_duplicate_tie(tie):
    pair = Q(source=tie.source, target=tie.target) | Q(source=tie.target, target=tie.source)
    overlapping = Tie.objects.filter(pair, kind=tie.kind).exclude(pk=tie.pk)
    if tie.started_on:
        overlapping = overlapping.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=tie.started_on))
    if tie.ended_on:
        overlapping = overlapping.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=tie.ended_on)
        )
    if overlapping.exists():
        raise ValidationError(
            {
                "target": _(
                    "A tie of this kind with this organisation is already recorded for that time."
                )
            }
        )


def _save_tie(user, tie):
    require(user, "actors.change_tie", tie)
    if tie.target_id:
        require(user, "actors.view_organisation", tie.target)
    tie.full_clean()
    _check_duplicate_tie(tie)
    tie.save()


@transaction.atomic
def add_tie(user, source, values):
    tie = Tie(source=source, recorded_by=user)
    _assign(tie, values, [f for f in TIE_FIELDS if f != "source"])
    _save_tie(user, tie)
    record(
        user,
        AuditEntry.Action.CREATE,
        tie,
        diff({}, snapshot(tie, TIE_FIELDS)),
        subjects=[tie.source, tie.target],
    )
    return tie


@transaction.atomic
def update_tie(user, tie, values):
    require(user, "actors.change_tie", tie)
    before = snapshot(tie, TIE_FIELDS)
    _assign(tie, values, ["kind", "started_on", "ended_on", "note"])
    _save_tie(user, tie)
    changes = diff(before, snapshot(tie, TIE_FIELDS))
    if changes:
        record(user, AuditEntry.Action.UPDATE, tie, changes, subjects=[tie.source, tie.target])
    return tie


@transaction.atomic
def delete_tie(user, tie):
    require(user, "actors.change_tie", tie)
    record(
        user,
        AuditEntry.Action.DELETE,
        tie,
        diff(snapshot(tie, TIE_FIELDS), {}),
        subjects=[tie.source, tie.target],
    )
    tie.delete()
