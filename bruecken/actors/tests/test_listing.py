"""Organisations that ask to be listed: submitting, the review queue, accepting, declining."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from bruecken.accounts.models import AccountInvitation, AuditEntry, Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors import listing
from bruecken.actors.models import ListingRequest, Membership, Organisation, Person
from bruecken.actors.services import DuplicateOrganisation
from bruecken.places.models import Country

from .factories import OrganisationFactory, PersonFactory
from .listing_factory import ListingRequestFactory

pytestmark = pytest.mark.usefixtures("language_reset")

VALUES = {
    "name": "  Ghanaischer   Kulturverein Bonn ",
    "kind": "migrant_organisation",
    "description": "Bildungsprojekte in Kumasi.",
    "website": "https://ghana-bonn.example",
    "contact_name": "Kofi Mensah",
    "contact_email": "Kofi@Example.org",
    "contact_role": "Vorstand",
    "publish_organisation": True,
    "publish_contact": True,
}


def entries(obj):
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("pk")


# Submitting


def test_a_request_is_stored_audited_and_its_reviewers_are_told(
    bonn, bonn_coordinator, kiel_coordinator, office, mailoutbox, django_capture_on_commit_callbacks
):
    ghana = Country.objects.get(code="GH")
    with django_capture_on_commit_callbacks(execute=True):
        request = listing.submit({**VALUES, "municipality": bonn, "countries": [ghana]}, "en")
    assert request.name == "Ghanaischer Kulturverein Bonn"
    assert request.contact_email == "kofi@example.org"
    assert request.language == "en"
    assert request.is_pending
    assert list(request.countries.all()) == [ghana]
    [entry] = entries(request)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.user is None
    # The audit log keeps no contact details.
    assert "kofi" not in str(entry.changes).lower()
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    # Bonn's coordinator reviews it; Kiel's and the office (Bonn has a coordinator) hear nothing.
    assert set(by_address) == {"kofi@example.org", bonn_coordinator.email}
    assert "we have received" in by_address["kofi@example.org"].body
    # The coordinator reads German: the link is to the German page, whatever the test runs in.
    with translation.override("de"):
        assert request.get_absolute_url() in by_address[bonn_coordinator.email].body


def test_without_a_coordinator_the_office_reviews(
    kiel, office, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        listing.submit({**VALUES, "municipality": kiel}, "de")
    assert {mail.to[0] for mail in mailoutbox} == {"kofi@example.org", office.email}


def test_a_bad_request_is_refused_and_nothing_is_stored(bonn, mailoutbox):
    with pytest.raises(ValidationError):
        listing.submit({**VALUES, "municipality": bonn, "contact_email": "no address"}, "de")
    assert not ListingRequest.objects.exists()
    assert not AuditEntry.objects.exists()


# The queue and its duplicate check


def test_a_duplicate_is_flagged(bonn):
    existing = OrganisationFactory(name="Ghanaischer Kulturverein Bonn", municipality=bonn)
    first = ListingRequestFactory(name="ghanaischer kulturverein  BONN", municipality=bonn)
    twin = ListingRequestFactory(name="Ghanaischer Kulturverein Bonn", municipality=bonn)
    other = ListingRequestFactory(name="Ganz anderer Verein", municipality=bonn)
    found = {r.pk: r for r in ListingRequest.objects.with_duplicates()}
    assert found[first.pk].existing_id == existing.pk
    assert found[first.pk].twin_id is None
    assert found[twin.pk].twin_id == first.pk
    assert found[other.pk].existing_id is None
    assert found[other.pk].twin_id is None


def test_the_queue_shows_each_reviewer_their_requests(bonn, kiel, world):
    users = world["users"]
    in_bonn = ListingRequestFactory(municipality=bonn)
    in_kiel = ListingRequestFactory(municipality=kiel)
    visible = {name: set(ListingRequest.objects.visible_to(user)) for name, user in users.items()}
    assert visible["office"] == {in_bonn, in_kiel}
    assert visible["bonn_coordinator"] == {in_bonn}
    assert visible["kiel_coordinator"] == {in_kiel}
    for name in ("bonn_facilitator", "representative", "participant", "no_role", "anonymous"):
        assert visible[name] == set()
    assert visible["inactive_coordinator"] == set()
    # The rule agrees with the list.
    for name, user in users.items():
        for request in (in_bonn, in_kiel):
            allowed = user.has_perm("actors.review_listing_request", request)
            assert allowed == (request in visible[name]), (name, request)


# Accepting


def test_accepting_creates_the_organisation_and_its_contact_audited(
    bonn, bonn_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    ghana = Country.objects.get(code="GH")
    request = ListingRequestFactory(
        municipality=bonn, language="en", publish_organisation=True, publish_contact=True
    )
    request.countries.set([ghana])
    with django_capture_on_commit_callbacks(execute=True):
        request = listing.accept(bonn_coordinator, request)
    request.refresh_from_db()
    assert request.status == ListingRequest.Status.ACCEPTED
    assert request.decided_by == bonn_coordinator
    organisation = request.organisation
    assert organisation.name == request.name
    assert organisation.name_key  # derived on save
    assert list(organisation.countries.all()) == [ghana]
    assert organisation.is_public
    assert organisation.consent_given_by == "Ama Boateng"
    assert organisation.description_en == request.description
    person = request.person
    assert person.email == request.contact_email
    assert person.language == "en"
    assert person.is_public
    membership = Membership.objects.get(organisation=organisation, person=person)
    assert membership.is_contact
    assert membership.role == "Vorsitzende"
    # Everything went through the audited services.
    assert entries(organisation).filter(action=AuditEntry.Action.CREATE).exists()
    assert entries(person).filter(action=AuditEntry.Action.CREATE).exists()
    assert entries(request).filter(user=bonn_coordinator).exists()
    # The contact is invited to become the organisation's representative, in their language.
    invitation = AccountInvitation.objects.get(organisation=organisation)
    assert invitation.email == request.contact_email
    assert invitation.role == Role.REPRESENTATIVE
    assert invitation.language == "en"
    assert invitation.invited_by == bonn_coordinator
    assert sorted(mail.to[0] for mail in mailoutbox) == [request.contact_email] * 2
    [mail] = [mail for mail in mailoutbox if "is listed" in mail.subject]
    assert "/en/organisations/" in mail.body
    assert "invitation" in mail.body


def test_consent_not_given_is_not_recorded(bonn, bonn_coordinator):
    request = ListingRequestFactory(
        municipality=bonn, publish_organisation=False, publish_contact=False
    )
    request = listing.accept(bonn_coordinator, request)
    assert not request.organisation.is_public
    assert not request.person.is_public


def test_an_address_that_cannot_be_invited_does_not_keep_the_organisation_out(
    bonn, bonn_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    gone = UserFactory(email="gone@example.org", is_active=False)
    request = ListingRequestFactory(municipality=bonn, contact_email=gone.email)
    with django_capture_on_commit_callbacks(execute=True):
        request = listing.accept(bonn_coordinator, request)
    assert request.organisation is not None
    assert not AccountInvitation.objects.exists()
    [mail] = mailoutbox
    assert "Einladung" not in mail.body


def test_a_known_contact_is_not_created_twice(bonn, bonn_coordinator):
    known = PersonFactory(email="ama@example.org", municipality=bonn)
    request = ListingRequestFactory(municipality=bonn, contact_email="ama@example.org")
    request = listing.accept(bonn_coordinator, request)
    assert request.person == known
    assert Person.objects.filter(email="ama@example.org").count() == 1


def test_a_duplicate_is_refused_on_accepting(bonn, bonn_coordinator, mailoutbox):
    OrganisationFactory(name="Verein Düren", municipality=bonn)
    request = ListingRequestFactory(name="verein duren", municipality=bonn)
    with pytest.raises(DuplicateOrganisation):
        listing.accept(bonn_coordinator, request)
    request.refresh_from_db()
    assert request.is_pending
    assert Organisation.objects.count() == 1
    assert not Person.objects.filter(email=request.contact_email).exists()
    assert mailoutbox == []


def test_a_decided_request_is_not_decided_again(bonn, bonn_coordinator):
    request = ListingRequestFactory(municipality=bonn)
    listing.accept(bonn_coordinator, request)
    with pytest.raises(ValidationError):
        listing.accept(bonn_coordinator, request)
    with pytest.raises(ValidationError):
        listing.decline(bonn_coordinator, request, "Doppelt")
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("reviewer", ["kiel_coordinator", "bonn_facilitator", "participant"])
def test_only_its_reviewers_decide(request, bonn, reviewer):
    user = request.getfixturevalue(reviewer)
    listing_request = ListingRequestFactory(municipality=bonn)
    with pytest.raises(PermissionDenied):
        listing.accept(user, listing_request)
    with pytest.raises(PermissionDenied):
        listing.decline(user, listing_request, "Nein")
    with pytest.raises(PermissionDenied):
        listing.accept(AnonymousUser(), listing_request)
    listing_request.refresh_from_db()
    assert listing_request.is_pending
    assert not Organisation.objects.exists()


def test_the_office_accepts_anywhere(kiel, office):
    request = listing.accept(office, ListingRequestFactory(municipality=kiel))
    assert request.organisation.municipality == kiel


# Declining


def test_declining_mails_the_reason_in_the_requesters_language(
    bonn, bonn_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    request = ListingRequestFactory(municipality=bonn, language="de")
    with django_capture_on_commit_callbacks(execute=True):
        listing.decline(bonn_coordinator, request, "  Der Verein ist schon als Gruppe gelistet. ")
    request.refresh_from_db()
    assert request.status == ListingRequest.Status.DECLINED
    assert request.reason == "Der Verein ist schon als Gruppe gelistet."
    assert not Organisation.objects.exists()
    [mail] = mailoutbox
    assert mail.to == [request.contact_email]
    assert "Der Verein ist schon als Gruppe gelistet." in mail.body
    assert "abgelehnt" in mail.body
    assert entries(request).filter(user=bonn_coordinator).get().changes["status"][1] == (
        "abgelehnt"
    )


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_declining_needs_a_reason(bonn, bonn_coordinator, reason):
    request = ListingRequestFactory(municipality=bonn)
    with pytest.raises(ValidationError) as raised:
        listing.decline(bonn_coordinator, request, reason)
    assert "reason" in raised.value.error_dict
    request.refresh_from_db()
    assert request.is_pending


# The queue's pages


def queue_url(language="de", query=""):
    with translation.override(language):
        return reverse("actors:listing_requests") + query


def detail_url(request, name="actors:listing_request_detail", language="de"):
    with translation.override(language):
        return reverse(name, args=[request.pk])


@pytest.mark.parametrize(
    ("language", "text"), [("de", "Aufnahmeanfragen"), ("en", "Listing requests")]
)
def test_the_queue_page(client, bonn, kiel, bonn_coordinator, language, text):
    OrganisationFactory(name="Doppelter Verein", municipality=bonn)
    ListingRequestFactory(name="Doppelter Verein", municipality=bonn)
    ListingRequestFactory(name="Kieler Verein", municipality=kiel)
    client.force_login(bonn_coordinator)
    response = client.get(queue_url(language))
    assert response.status_code == 200
    content = response.content.decode()
    assert text in content
    assert "Doppelter Verein" in content
    assert "Kieler Verein" not in content


def test_the_queue_takes_the_same_queries_for_more_requests(
    client, bonn, office, django_assert_num_queries
):
    client.force_login(office)
    ListingRequestFactory(municipality=bonn)
    client.get(queue_url())  # warm up caches of the session and roles
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(queue_url())
    ListingRequestFactory.create_batch(5, municipality=bonn)
    with CaptureQueriesContext(connection) as many:
        client.get(queue_url())
    assert len(many) == len(few)


def test_anonymous_visitors_are_sent_to_log_in(client, bonn):
    request = ListingRequestFactory(municipality=bonn)
    for address in (queue_url(), detail_url(request)):
        response = client.get(address)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post(detail_url(request, "actors:listing_request_accept"))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.is_pending


def test_a_coordinator_of_another_municipality_cannot_see_or_accept(client, bonn, kiel_coordinator):
    request = ListingRequestFactory(municipality=bonn)
    client.force_login(kiel_coordinator)
    assert client.get(detail_url(request)).status_code == 404
    assert client.post(detail_url(request, "actors:listing_request_accept")).status_code == 404
    response = client.post(
        detail_url(request, "actors:listing_request_decline"), {"reason": "Nein"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.is_pending


def test_a_representative_may_not_open_the_queue(client, bonn):
    representative = user_with_role(
        Role.REPRESENTATIVE, organisation=OrganisationFactory(municipality=bonn)
    )
    client.force_login(representative)
    assert client.get(queue_url()).status_code == 403


def test_accepting_on_the_page(client, bonn, bonn_coordinator):
    request = ListingRequestFactory(municipality=bonn)
    client.force_login(bonn_coordinator)
    response = client.post(detail_url(request, "actors:listing_request_accept"), follow=True)
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.organisation is not None
    assert "Organisation öffnen" in response.content.decode()


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_duplicate_on_the_page(client, bonn, bonn_coordinator, language):
    existing = OrganisationFactory(name="Verein Düren", municipality=bonn)
    request = ListingRequestFactory(name="Verein Duren", municipality=bonn)
    client.force_login(bonn_coordinator)
    content = client.get(detail_url(request, language=language)).content.decode()
    assert existing.get_absolute_url() in content
    response = client.post(detail_url(request, "actors:listing_request_accept", language))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    expected = {"de": "gibt es bereits", "en": "already exists"}[language]
    assert expected in content
    request.refresh_from_db()
    assert request.is_pending


@pytest.mark.parametrize(
    ("language", "message"),
    [("de", "Dieses Feld ist zwingend erforderlich."), ("en", "This field is required.")],
)
def test_declining_without_a_reason_on_the_page(client, bonn, bonn_coordinator, language, message):
    request = ListingRequestFactory(municipality=bonn)
    client.force_login(bonn_coordinator)
    response = client.post(
        detail_url(request, "actors:listing_request_decline", language), {"reason": " "}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    request.refresh_from_db()
    assert request.is_pending


@pytest.mark.parametrize("reason", ["Nein\x00", "x" * 10_000])
def test_hostile_reasons_do_not_break_the_page(client, bonn, bonn_coordinator, reason):
    request = ListingRequestFactory(municipality=bonn)
    client.force_login(bonn_coordinator)
    response = client.post(
        detail_url(request, "actors:listing_request_decline"), {"reason": reason}
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.is_pending


def test_declining_on_the_page(client, bonn, bonn_coordinator, mailoutbox):
    request = ListingRequestFactory(municipality=bonn)
    client.force_login(bonn_coordinator)
    response = client.post(
        detail_url(request, "actors:listing_request_decline"), {"reason": "Kein Bezug"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ListingRequest.Status.DECLINED


def test_queue_pages_with_odd_numbers(client, office):
    client.force_login(office)
    for query in ("?page=99999999999999999999", "?page=x\x00", "?status=decided&page=-1"):
        assert client.get(queue_url(query=query)).status_code == 200
    assert client.get("/de/actors/listing-requests/99999999999999999999/").status_code == 404


def test_anonymous_review_rule(db):
    assert not UserFactory().has_perm("actors.review_listing_requests")
    assert not AnonymousUser().has_perm("actors.review_listing_requests")


# What waits on the home page


def waiting_count(user):
    from bruecken.actors import listing_waiting

    items = listing_waiting.waiting_for(user, None)
    return sum(item.count for item in items)


def test_pending_requests_wait_for_their_reviewers(bonn, kiel, bonn_coordinator, office):
    ListingRequestFactory(municipality=bonn)
    ListingRequestFactory(municipality=kiel)
    decided = ListingRequestFactory(municipality=bonn)
    listing.decline(bonn_coordinator, decided, "Doppelt")
    assert waiting_count(bonn_coordinator) == 1
    # Kiel has no coordinator: its request waits for the office; Bonn's for its coordinator.
    assert waiting_count(office) == 1
    assert waiting_count(UserFactory()) == 0


def test_the_home_page_names_them(client, bonn, bonn_coordinator):
    ListingRequestFactory(municipality=bonn)
    client.force_login(bonn_coordinator)
    with translation.override("de"):
        response = client.get(reverse("website:personal_home"))
    content = response.content.decode()
    assert "1 Organisation bittet um Aufnahme." in content
    assert queue_url() in content
