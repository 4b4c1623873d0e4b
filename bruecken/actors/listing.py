"""Organisations that ask to be listed: the public form's request, the review queue of the
municipality's coordinator (or the program office), accepting and declining.

Accepting writes through the registry's own services (`services.create_organisation`,
`create_person`, `add_membership`, the consent services), so the organisation is audited,
its derived fields computed and a duplicate refused as anywhere else. The requester hears of
the decision by e-mail in the language they wrote in, sent after the commit by the worker."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from bruecken.accounts import audit
from bruecken.accounts import services as account_services
from bruecken.accounts.models import AccountInvitation, Role, User
from bruecken.mail import privacy_footer, send_each, templated_email
from bruecken.permissions import require

from . import services
from .models import ListingRequest, Person

# What the public form asks, in its order.
ORGANISATION_FIELDS = [
    "name",
    "kind",
    "municipality",
    "countries",
    "description",
    "website",
    "email",
    "phone",
    "address",
    "founded",
]
CONTACT_FIELDS = ["contact_name", "contact_email", "contact_phone", "contact_role"]
CONSENT_FIELDS = ["publish_organisation", "publish_contact"]
REQUEST_FIELDS = [*ORGANISATION_FIELDS, *CONTACT_FIELDS, *CONSENT_FIELDS]
# What the audit log keeps of a request: not the contact's details (the request keeps them).
AUDITED_FIELDS = ["name", "municipality", "status", "reason", "organisation"]
REASON_MAX_LENGTH = 2000

logger = logging.getLogger(__name__)


class Refused(ValidationError):
    pass


def _audited(user, listing_request):
    return audit.changes(user, listing_request, AUDITED_FIELDS)


# Submitting (the public, without an account)


def submit(values, language):
    """Store an organisation's request to be listed and tell its reviewers. `values` as the
    public form cleans them; `language`: the requester's, for every e-mail to them."""
    listing_request = ListingRequest(
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    )
    for name in REQUEST_FIELDS:
        if name in values and name != "countries":
            setattr(listing_request, name, values[name])
    listing_request.name = " ".join((listing_request.name or "").split())
    listing_request.full_clean(exclude=["name_key"])
    with transaction.atomic():
        with _audited(None, listing_request):
            listing_request.save()
            listing_request.countries.set(values.get("countries") or [])
        pk = listing_request.pk
        transaction.on_commit(lambda: send_received.enqueue(pk))
    return listing_request


# Reviewing


def reviewers(municipality_id):
    """Who reviews a municipality's requests: its active coordinators, or where it has none
    the program office."""
    active = User.objects.filter(is_active=True).exclude(email="")
    coordinators = active.filter(
        roles__role=Role.COORDINATOR, roles__municipality_id=municipality_id
    ).distinct()
    if coordinators.exists():
        return list(coordinators.order_by("pk"))
    return list(active.filter(roles__role=Role.PROGRAM_OFFICE).distinct().order_by("pk"))


def _pending_for_update(user, listing_request):
    listing_request = ListingRequest.objects.select_for_update().get(pk=listing_request.pk)
    require(user, "actors.review_listing_request", listing_request)
    if not listing_request.is_pending:
        raise Refused(_("This request has been decided already."), code="decided")
    return listing_request


def organisation_values(listing_request):
    values = {
        name: getattr(listing_request, name) for name in ORGANISATION_FIELDS if name != "countries"
    }
    values["countries"] = list(listing_request.countries.all())
    if listing_request.language == "en":
        # Written in English: shown as such on English pages (German ones show it too until
        # someone adds the German text).
        values["description_en"] = listing_request.description
    return values


def _contact_person(user, listing_request):
    """The contact person: the one the reviewer may see with that address, or a new one."""
    existing = (
        Person.objects.visible_to(user, private=True)
        .filter(email=listing_request.contact_email)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    return services.create_person(
        user,
        {
            "name": listing_request.contact_name,
            "email": listing_request.contact_email,
            "phone": listing_request.contact_phone,
            "municipality": listing_request.municipality,
            "language": listing_request.language,
        },
    )


def invite_representative(user, organisation, person):
    """Invite the contact person to become the organisation's representative (an account
    invitation, `accounts.services.invite`, in their language). An address that cannot be
    invited (a deactivated account) does not keep the organisation from being listed: the
    reviewer can invite someone later. Returns the invitation, or None."""
    try:
        return account_services.invite(
            user,
            person.email,
            Role.REPRESENTATIVE,
            organisation=organisation,
            language=person.language,
        )
    except ValidationError as refusal:
        logger.info("No invitation for listing of organisation %s: %s", organisation.pk, refusal)
        return None


@transaction.atomic
def accept(user, listing_request):
    """Create the organisation and its contact person (with the consent the form recorded),
    make the person its contact, invite them as its representative and tell the requester.
    A duplicate is refused as in the registry (`services.DuplicateOrganisation`)."""
    listing_request = _pending_for_update(user, listing_request)
    organisation = services.create_organisation(user, organisation_values(listing_request))
    given_at = min(listing_request.submitted_at, timezone.now())
    if listing_request.publish_organisation:
        services.give_organisation_consent(
            user, organisation, listing_request.contact_name, given_at
        )
    person = _contact_person(user, listing_request)
    if listing_request.publish_contact and not person.is_public:
        services.give_person_consent(user, person, listing_request.contact_name, given_at)
    services.add_membership(
        user,
        organisation,
        {"person": person, "role": listing_request.contact_role, "is_contact": True},
    )
    with _audited(user, listing_request):
        listing_request.status = ListingRequest.Status.ACCEPTED
        listing_request.decided_at = timezone.now()
        listing_request.decided_by = user
        listing_request.organisation = organisation
        listing_request.person = person
        listing_request.save()
    invite_representative(user, organisation, person)
    pk = listing_request.pk
    transaction.on_commit(lambda: send_decided.enqueue(pk))
    return listing_request


@transaction.atomic
def decline(user, listing_request, reason):
    """Decline the request; `reason` is mailed to the requester."""
    listing_request = _pending_for_update(user, listing_request)
    reason = (reason or "").strip()
    if not reason:
        raise Refused({"reason": _("Say why the request is declined: the requester reads it.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise Refused(
            {
                "reason": _("Please keep the reason under %(count)s characters.")
                % {"count": REASON_MAX_LENGTH}
            }
        )
    with _audited(user, listing_request):
        listing_request.status = ListingRequest.Status.DECLINED
        listing_request.decided_at = timezone.now()
        listing_request.decided_by = user
        listing_request.reason = reason
        listing_request.save()
    pk = listing_request.pk
    transaction.on_commit(lambda: send_decided.enqueue(pk))
    return listing_request


# E-mails


def _message(template, context, language, to, requester=False):
    with translation.override(language):
        context = {**context, "contact_url": settings.SITE_URL + reverse("website:contact")}
        # The requester has no account (and no registry entry yet).
        footer = privacy_footer() if requester else ""
        return templated_email(f"actors/listing/email/{template}", context, to, footer=footer)


def received_messages(listing_request):
    """The confirmation to the requester and the notice to each reviewer."""
    messages = [
        _message(
            "received",
            {"request": listing_request},
            listing_request.language,
            listing_request.contact_email,
            requester=True,
        )
    ]
    for user in reviewers(listing_request.municipality_id):
        with translation.override(user.language):
            url = settings.SITE_URL + listing_request.get_absolute_url()
        messages.append(
            _message("review", {"request": listing_request, "url": url}, user.language, user.email)
        )
    return messages


def decided_messages(listing_request):
    with translation.override(listing_request.language):
        directory = settings.SITE_URL + reverse("website:directory")
    template = (
        "accepted" if listing_request.status == ListingRequest.Status.ACCEPTED else "declined"
    )
    invited = AccountInvitation.objects.filter(
        organisation_id=listing_request.organisation_id,
        email=listing_request.contact_email,
        role=Role.REPRESENTATIVE,
    ).exists()
    context = {"request": listing_request, "directory_url": directory, "invited": invited}
    return [
        _message(
            template,
            context,
            listing_request.language,
            listing_request.contact_email,
            requester=True,
        )
    ]


def _load(pk):
    return ListingRequest.objects.select_related("municipality").filter(pk=pk).first()


@task()
def send_received(listing_request_id):
    listing_request = _load(listing_request_id)
    if listing_request is None:
        return 0
    return send_each(received_messages(listing_request), f"listing request {listing_request_id}")


@task()
def send_decided(listing_request_id):
    listing_request = _load(listing_request_id)
    if listing_request is None or listing_request.is_pending:
        return 0
    return send_each(decided_messages(listing_request), f"decision {listing_request_id}")
