"""A person gives or withdraws their own consents (GDPR Art. 7(3): as easy as giving them).

Three kinds, each a field of `actors.Person` that the model-level queries read, so a change
shows at once on the website, in the API, in the open data and in new builds:

- "directory": publication in the directory (`consent_given_at`, `Person.objects.public()`),
- "membership": being shown in public as a member of their organisations (`shown_as_member`,
  `Membership.objects.public()`; needs the directory consent too),
- "emails": e-mails beyond what they signed up to, such as reminders (`accepts_emails`,
  `Person.objects.accepting_emails()`); confirmations and changes are still sent."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.actors.models import Person
from bruecken.actors.personal_data import CONSENTS, consent_given
from bruecken.actors.signals import announce_consent_withdrawn
from bruecken.permissions import require

KINDS = [kind for kind, _field, _label in CONSENTS]
LABELS = {kind: label for kind, _field, label in CONSENTS}
# What each kind writes; the audit entry records all of them, so the consent history shows
# who changed which consent when.
FIELDS = {
    "directory": ["consent_given_at", "consent_given_by", "consent_recorded_by"],
    "membership": ["shown_as_member"],
    "emails": ["accepts_emails"],
}
# Withdrawing these takes the person out of published outputs (guide editions, brochures).
PUBLIC_KINDS = {"directory", "membership"}


@transaction.atomic
def set_consent(person, kind, given, *, by_user=None):
    """Give (`given=True`) or withdraw a consent of `person`. `by_user`: who acts, checked
    against `actors.change_person` (the person themselves, or who keeps their record); None
    when the caller has checked otherwise who acts (a personal link sent to the person).
    Recorded in the audit log; a withdrawal of a public consent is announced once committed."""
    if kind not in FIELDS:
        raise ValidationError(_("Unknown kind of consent."), code="kind")
    if by_user is not None:
        require(by_user, "actors.change_person", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    given = bool(given)
    if consent_given(person, kind) == given:
        return person
    fields = FIELDS[kind]
    with audit.changes(by_user, person, fields):
        if kind == "directory":
            person.consent_given_at = timezone.now() if given else None
            # Given by the person themselves: their name says so in the record.
            person.consent_given_by = person.name if given else ""
            person.consent_recorded_by = (
                by_user if given and by_user is not None and by_user.is_authenticated else None
            )
        elif kind == "membership":
            person.shown_as_member = given
        else:
            person.accepts_emails = given
        person.save(update_fields=[*fields, "updated_at"])
    if not given and kind in PUBLIC_KINDS:
        announce_consent_withdrawn(person)
    return person
