"""Every change to actors, memberships and ties: rule check, transaction, audit entry."""

import copy

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.permissions import require
from bruecken.personal_data import Erasure, new_pseudonym

from .models import Membership, Organisation, Person, Tie
from .personal_data import namesake_keys
from .signals import announce_consent_withdrawn

# What staff edit of an actor, in the order the forms ask for it.
ORGANISATION_EDITABLE = [
    "name",
    "kind",
    "municipality",
    "countries",
    "topics",
    "engagement_forms",
    "languages",
    "competences",
    "competences_en",
    "description",
    "description_en",
    "website",
    "email",
    "phone",
    "address",
    "founded",
]
ORGANISATION_M2M = ["countries", "topics", "engagement_forms", "languages"]
ORGANISATION_FIELDS = [name for name in ORGANISATION_EDITABLE if name not in ORGANISATION_M2M]
PERSON_EDITABLE = [
    "name",
    "email",
    "phone",
    "municipality",
    "language",
    "languages",
    "countries",
    "competences",
    "is_decision_maker",
    "is_multiplier",
]
PERSON_M2M = ["languages", "countries"]
# What a person keeps of their own record (rule `actors.change_person` through `is_self`): not
# the e-mail address invitations and imports know them by, where they are placed, or how the
# process classifies them (`actors.steward_person`).
SELF_EDITABLE = ["name", "phone", "language", "languages", "countries", "competences"]
PERSON_FIELDS = [name for name in PERSON_EDITABLE if name not in PERSON_M2M]
CONSENT_FIELDS = ["consent_given_at", "consent_given_by"]
MEMBERSHIP_FIELDS = ["person", "organisation", "role", "is_contact", "started_on", "ended_on"]
TIE_FIELDS = ["source", "target", "kind", "started_on", "ended_on", "note"]


class DuplicateOrganisation(ValidationError):
    """Another organisation of that name exists in the municipality."""

    field = "name"

    @property
    def link(self):
        return self.existing.get_absolute_url(), _("Open the existing organisation")

    def __init__(self, existing):
        self.existing = existing
        super().__init__(
            _("An organisation named “%(name)s” already exists in %(municipality)s.")
            % {"name": existing.name, "municipality": existing.municipality},
            code="duplicate",
        )


def _assign(instance, values, fields):
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


def _write(user, obj, values, fields, save, m2m=(), audited=None, about=()):
    """Set the `fields` that `values` holds, save (`save` runs the checks), set the many-to-many
    fields and record what changed of the `audited` fields (default: all of them) in the audit
    log, filed also under the objects named in `about`."""
    # A generator: read when the entry is written, after the block may have changed them
    # (a membership's person).
    subjects = (getattr(obj, name) for name in about)
    with audit.changes(user, obj, audited or [*fields, *m2m], subjects=subjects):
        _assign(obj, values, fields)
        save(obj)
        for name in m2m:
            if name in values:
                getattr(obj, name).set(values[name])
    return obj


def _check_duplicate_organisation(organisation):
    existing = (
        Organisation.objects.filter(
            municipality=organisation.municipality, name_key=organisation.name_key
        )
        .exclude(pk=organisation.pk)
        .select_related("municipality")
        .first()
    )
    if existing:
        raise DuplicateOrganisation(existing)


def _save_organisation(organisation):
    organisation.derive_fields()
    _check_duplicate_organisation(organisation)
    organisation.full_clean(exclude=["name_key"], validate_constraints=False)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Someone saved the same name between our check and our insert.
        _check_duplicate_organisation(organisation)
        raise


def _save_person(person):
    person.full_clean(exclude=["user"])
    person.save()


# What is written of an organisation and of a person: fields, many-to-many fields, the save
# that runs their checks.
ACTOR_WRITES = {
    Organisation: (ORGANISATION_FIELDS, ORGANISATION_M2M, _save_organisation),
    Person: (PERSON_FIELDS, PERSON_M2M, _save_person),
}


def _save_actor(user, actor, values):
    fields, m2m, save = ACTOR_WRITES[type(actor)]
    return _write(user, actor, values, fields, save, m2m)


def _create_actor(user, actor, values):
    require(user, "actors.manage_actors_in", values.get("municipality"))
    return _save_actor(user, actor, values)


def _update_actor(user, actor, values):
    actor = type(actor).objects.select_for_update().get(pk=actor.pk)
    require(user, f"actors.change_{actor._meta.model_name}", actor)
    if isinstance(actor, Person) and not user.has_perm("actors.steward_person", actor):
        values = {name: value for name, value in values.items() if name in SELF_EDITABLE}
    moved_to = values.get("municipality", actor.municipality)
    # Moving an actor needs the right to manage actors there. A person may also be left without
    # a municipality; an organisation may not (its None is refused like any other).
    if moved_to != actor.municipality and (moved_to is not None or isinstance(actor, Organisation)):
        require(user, "actors.manage_actors_in", moved_to)
    return _save_actor(user, actor, values)


def _delete_actor(user, actor):
    require(user, f"actors.delete_{actor._meta.model_name}", actor)
    fields, m2m, _save = ACTOR_WRITES[type(actor)]
    audit.deleted(user, actor, [*fields, *m2m])
    # Published outputs that name it drop it too (a person's name even the office's copies);
    # a copy keeps the id the delete clears.
    announce_consent_withdrawn(copy.copy(actor), erased=isinstance(actor, Person))
    if isinstance(actor, Person):
        # The audit keeps that a person was deleted, not who: their name, address and number
        # give way to a pseudonym, as in an erasure (bruecken/privacy/erasure.py).
        erasure = Erasure.of(actor, None, new_pseudonym())
        audit.pseudonymise(erasure, keep=namesake_keys(erasure))
    actor.delete()


@transaction.atomic
def create_organisation(user, values):
    return _create_actor(user, Organisation(), values)


@transaction.atomic
def update_organisation(user, organisation, values):
    return _update_actor(user, organisation, values)


@transaction.atomic
def delete_organisation(user, organisation):
    _delete_actor(user, organisation)


def _record_consent(user, actor, given_at, given_by):
    with audit.changes(user, actor, CONSENT_FIELDS):
        actor.consent_given_at = given_at
        actor.consent_given_by = given_by
        actor.consent_recorded_by = user
        actor.save(update_fields=["consent_given_at", "consent_given_by", "consent_recorded_by"])
    return actor


def _give_consent(user, actor, permission, given_by, given_at=None):
    require(user, permission, actor)
    given_by = (given_by or "").strip()
    if not given_by:
        raise ValidationError({"consent_given_by": _("Say who gave the consent.")})
    given_at = given_at or timezone.now()
    if given_at > timezone.now():
        raise ValidationError({"consent_given_at": _("Consent cannot be dated in the future.")})
    return _record_consent(user, actor, given_at, given_by)


def _withdraw_consent(user, actor, permission):
    require(user, permission, actor)
    if not actor.is_public:
        return actor
    _record_consent(user, actor, None, "")
    announce_consent_withdrawn(actor)
    return actor


@transaction.atomic
def give_organisation_consent(user, organisation, given_by, given_at=None):
    return _give_consent(user, organisation, "actors.change_organisation", given_by, given_at)


@transaction.atomic
def withdraw_organisation_consent(user, organisation):
    return _withdraw_consent(user, organisation, "actors.change_organisation")


@transaction.atomic
def create_person(user, values):
    return _create_actor(user, Person(), values)


@transaction.atomic
def update_person(user, person, values):
    return _update_actor(user, person, values)


@transaction.atomic
def delete_person(user, person):
    _delete_actor(user, person)


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
    _check_duplicate_membership(membership)
    membership.save()


def _lock(rows):
    """Lock `rows` to the end of the transaction, in the order of their ids (two writers
    locking the same rows cannot wait for each other in a circle)."""
    list(rows.select_for_update().order_by("pk").values_list("pk"))


def _check_duplicate_membership(membership):
    """A person is a member of an organisation once at a time (as the import keeps one
    membership for each pair); the role says what they do there. Two requests adding the same
    person at once wait for each other on the person's row (SQLite's writers wait anyway)."""
    _lock(Person.objects.filter(pk=membership.person_id))
    overlapping = (
        Membership.objects.filter(
            person_id=membership.person_id, organisation_id=membership.organisation_id
        )
        .exclude(pk=membership.pk)
        .overlapping(membership.started_on, membership.ended_on)
    )
    if overlapping.exists():
        raise ValidationError(
            {"person": _("This person is already a member of this organisation for that time.")}
        )


def _write_membership(user, membership, values):
    # The organisation stays: moving a membership is ending one and adding another.
    return _write(
        user,
        membership,
        values,
        [name for name in MEMBERSHIP_FIELDS if name != "organisation"],
        lambda membership: _save_membership(user, membership),
        audited=MEMBERSHIP_FIELDS,
        about=("organisation", "person"),
    )


@transaction.atomic
def add_membership(user, organisation, values):
    return _write_membership(user, Membership(organisation=organisation), values)


@transaction.atomic
def update_membership(user, membership, values):
    require(user, "actors.change_membership", membership)
    return _write_membership(user, membership, values)


@transaction.atomic
def delete_membership(user, membership):
    require(user, "actors.change_membership", membership)
    audit.deleted(
        user, membership, MEMBERSHIP_FIELDS, subjects=[membership.organisation, membership.person]
    )
    membership.delete()


def _check_duplicate_tie(tie):
    # Two requests recording the same tie at once wait for each other on both organisations'
    # rows (SQLite's writers wait anyway).
    _lock(Organisation.objects.filter(pk__in=[tie.source_id, tie.target_id]))
    pair = Q(source=tie.source, target=tie.target) | Q(source=tie.target, target=tie.source)
    overlapping = (
        Tie.objects.filter(pair, kind=tie.kind)
        .exclude(pk=tie.pk)
        .overlapping(tie.started_on, tie.ended_on)
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
    if tie.target_id and tie.pk is None:
        # A new tie only with an organisation the user may see; an existing one's steward may
        # correct it whichever side they keep (the other side stays as it is).
        require(user, "actors.view_organisation", tie.target)
    tie.full_clean()
    _check_duplicate_tie(tie)
    tie.save()


def _write_tie(user, tie, values, fields):
    return _write(
        user,
        tie,
        values,
        fields,
        lambda tie: _save_tie(user, tie),
        audited=TIE_FIELDS,
        about=("source", "target"),
    )


@transaction.atomic
def add_tie(user, source, values):
    tie = Tie(source=source, recorded_by=user)
    return _write_tie(user, tie, values, [name for name in TIE_FIELDS if name != "source"])


@transaction.atomic
def update_tie(user, tie, values):
    require(user, "actors.change_tie", tie)
    # The organisations stay: a tie with another one is another tie.
    return _write_tie(user, tie, values, ["kind", "started_on", "ended_on", "note"])


@transaction.atomic
def delete_tie(user, tie):
    require(user, "actors.change_tie", tie)
    audit.deleted(user, tie, TIE_FIELDS, subjects=[tie.source, tie.target])
    tie.delete()
