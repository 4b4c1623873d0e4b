"""What actors holds about a person (bruecken/personal_data.py): their record, their
memberships, and their consents with the history of every change to them."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bruecken.accounts.audit import subject_key
from bruecken.accounts.models import AuditEntry, User
from bruecken.personal_data import Section, section

from .models import ListingRequest, Membership, Organisation, Person

PERSON_FIELDS = [
    "name",
    "email",
    "phone",
    "municipality",
    "languages",
    "countries",
    "competences",
    "language",
    "is_decision_maker",
    "is_multiplier",
    "created_at",
    "updated_at",
]

# Each consent a person gives or withdraws on their own: (kind, field, label). The directory
# consent is a time (when it was given); the others are yes/no.
CONSENTS = [
    ("directory", "consent_given_at", _("Publication in the directory")),
    ("membership", "shown_as_member", _("Shown in public as a member of your organisations")),
    ("emails", "accepts_emails", _("Reminders and news by e-mail")),
]
CONSENT_FIELDS = [field for _kind, field, _label in CONSENTS] + [
    "consent_given_by",
    "consent_recorded_by",
]


def consent_given(person, kind):
    field = dict((k, f) for k, f, _label in CONSENTS)[kind]
    value = getattr(person, field)
    return bool(value) if not isinstance(value, bool) else value


def collect_person(person, user):
    if person is None:
        return None
    person = (
        Person.objects.prefetch_related("languages", "countries")
        .select_related("municipality")
        .get(pk=person.pk)
    )
    return section("person", _("Your record"), [person], PERSON_FIELDS)


def collect_memberships(person, user):
    if person is None:
        return None
    memberships = Membership.objects.filter(person=person).select_related("organisation")
    return section(
        "memberships",
        _("Memberships"),
        memberships,
        ["organisation", "role", "is_contact", "started_on", "ended_on"],
    )


def collect_consents(person, user):
    if person is None:
        return None
    person = Person.objects.get(pk=person.pk)
    rows = [
        {
            "kind": kind,
            "consent": str(label),
            "given": consent_given(person, kind),
            "given_at": person.consent_given_at if kind == "directory" else None,
            "given_by": person.consent_given_by if kind == "directory" else "",
        }
        for kind, _field, label in CONSENTS
    ]
    columns = {
        "kind": str(_("key")),
        "consent": str(_("consent")),
        "given": str(_("given")),
        "given_at": str(_("given on")),
        "given_by": str(_("given by")),
    }
    return Section("consents", str(_("Consents")), rows, columns)


def consent_history(person):
    """The audit entries that changed one of the person's consents, newest first."""
    return (
        AuditEntry.objects.filter(
            object_type=Person._meta.label_lower,
            object_id=str(person.pk),
            changes__has_any_keys=CONSENT_FIELDS,
        )
        .select_related("user")
        .order_by("-at", "-id")
    )


def collect_consent_history(person, user):
    if person is None:
        return None
    return section(
        "consent_history",
        _("Changes to your consents"),
        consent_history(person),
        ["at"],
        extra=[
            ("by", _("by"), lambda entry: str(entry.user) if entry.user_id else ""),
            (
                "changes",
                _("changes"),
                lambda entry: {
                    name: values for name, values in entry.changes.items() if name in CONSENT_FIELDS
                },
            ),
        ],
    )


# An address that is no one's, where a row needs one (a listing request's contact).
ERASED_ADDRESS = "erased@erased.invalid"


def namesake_keys(erasure):
    """Audit subject keys of the other people and accounts that bear one of the erased
    person's names: their entries keep the name (a namesake is not the erased person)."""
    if not erasure.names:
        return set()
    names = Q(pk__in=[])
    full_names = Q(pk__in=[])
    for name in erasure.names:
        names |= Q(name__iexact=name)
        full_names |= Q(full_name__iexact=name)
    people = Person.objects.filter(names)
    if erasure.person is not None:
        people = people.exclude(pk=erasure.person.pk)
    users = User.objects.filter(full_names)
    if erasure.user is not None:
        users = users.exclude(pk=erasure.user.pk)
    return {subject_key(person) for person in people.only("pk")} | {
        subject_key(user) for user in users.only("pk")
    }


def erase_person_record(erasure):
    """The person's record keeps only what counts need: it is named by the pseudonym, keeps its
    municipality (places per municipality and the coordinators' counts go by it) and how the
    process classifies it (decision maker, multiplier); address, phone, competences, languages,
    countries of origin and consents go. Memberships stay with their organisation and dates
    (the network's co-attendance goes through them), without the role the person held."""
    if erasure.person is None:
        return {}
    person = Person.objects.select_for_update().get(pk=erasure.person.pk)
    person.name = erasure.pseudonym
    person.email = ""
    person.phone = ""
    person.competences = ""
    person.consent_given_at = None
    person.consent_given_by = ""
    person.consent_recorded_by = None
    person.shown_as_member = False
    person.accepts_emails = False
    person.user = None
    person.save()
    person.languages.clear()
    person.countries.clear()
    return {
        "people": 1,
        "memberships": Membership.objects.filter(person=person).exclude(role="").update(role=""),
        "listing_requests": _erase_listing_requests(erasure, person),
        "organisations": _erase_organisations(erasure),
    }


def _erase_listing_requests(erasure, person):
    """Listing requests the person sent as the contact: the request stays (the organisation's
    history), its contact is the pseudonym."""
    changed = 0
    requests = ListingRequest.objects.filter(
        Q(person=person) | Q(contact_email__in=erasure.emails)
    ).select_for_update()
    for listing_request in requests:
        listing_request.contact_name = erasure.pseudonym
        listing_request.contact_email = ERASED_ADDRESS
        listing_request.contact_phone = ""
        listing_request.contact_role = ""
        if listing_request.email.lower() in erasure.emails:
            listing_request.email = ""
        listing_request.description = erasure.scrub(listing_request.description)
        listing_request.address = erasure.scrub(listing_request.address)
        listing_request.save()
        changed += 1
    return changed


def _erase_organisations(erasure):
    """Organisations whose consent the person gave (named in `consent_given_by`) or whose
    address is the person's own: the consent stays recorded, as given by the pseudonym."""
    mentioning = Q(email__in=erasure.emails)
    for name in erasure.names:
        mentioning |= Q(consent_given_by__icontains=name)
    changed = 0
    for organisation in Organisation.objects.filter(mentioning).select_for_update():
        if organisation.email.lower() in erasure.emails:
            organisation.email = ""
        organisation.consent_given_by = erasure.scrub(organisation.consent_given_by)
        organisation.save()
        changed += 1
    return changed


HELD = [
    ("people", _("People"), lambda: Person.objects.all(), "created_at"),
    ("memberships", _("Memberships"), lambda: Membership.objects.all(), "started_on"),
    (
        "listing_requests",
        _("Requests to be listed"),
        lambda: ListingRequest.objects.all(),
        "submitted_at",
    ),
]
