from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import PersonFactory
from bruecken.privacy import erasure
from bruecken.privacy.models import ErasureRequest, LedgerEntry

from .conftest import EMAIL, NAME


@pytest.fixture(autouse=True)
def german():
    # reverse() follows the active language, which an English page of an earlier test may
    # have left behind.
    translation.activate("de")
    yield
    translation.deactivate()


DELETE_URL = "/de/personal-data/delete/"
LEDGER_URL = "/de/personal-data/ledger/"


def test_urls():
    with translation.override("de"):
        assert reverse("privacy:delete_account") == DELETE_URL
        assert reverse("privacy:ledger") == LEDGER_URL


def test_delete_account_needs_sign_in(client, db):
    response = client.get(DELETE_URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_delete_account_tells_about_the_organisation(client, amina):
    client.force_login(amina.user)
    response = client.get(DELETE_URL)
    assert response.status_code == 200
    assert "Igbo Union Bonn" in response.content.decode()


def test_delete_account_with_a_wrong_password_changes_nothing(client, amina):
    client.force_login(amina.user)
    response = client.post(DELETE_URL, {"password": "wrong"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    amina.refresh_from_db()
    assert amina.name == NAME and amina.user.is_active


def test_delete_account(client, amina):
    client.force_login(amina.user)
    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 302
    done = ErasureRequest.objects.get()
    assert done.by_the_person and not done.is_pending
    assert Person.objects.get(pk=amina.pk).name == done.pseudonym
    # Signed out, and cannot sign in again.
    assert "_auth_user_id" not in client.session
    assert not client.login(email=EMAIL, password=PASSWORD)


def test_delete_account_only_deletes_ones_own(client, amina, db):
    other = UserFactory()
    client.force_login(other)
    client.post(DELETE_URL, {"password": PASSWORD, "person": amina.pk, "user": amina.user.pk})
    amina.refresh_from_db()
    assert amina.name == NAME
    other.refresh_from_db()
    assert not other.is_active


def test_delete_account_without_a_password_asks_for_the_phrase(client, db):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert client.post(DELETE_URL, {"phrase": "bitte"}).status_code == 200
    user.refresh_from_db()
    assert user.is_active
    assert client.post(DELETE_URL, {"phrase": "löschen"}).status_code == 302


def test_delete_account_refused_to_the_last_office(client, office):
    client.force_login(office)
    response = client.get(DELETE_URL)
    assert "letzte Konto des Programmbüros" in response.content.decode()
    client.post(DELETE_URL, {"password": PASSWORD})
    office.refresh_from_db()
    assert office.is_active


@pytest.mark.parametrize(
    "value",
    ["\x00", "x" * 10_000, "' OR 1=1 --"],
)
def test_delete_account_hostile_input(client, amina, value):
    client.force_login(amina.user)
    response = client.post(DELETE_URL, {"password": value, "phrase": value})
    assert response.status_code == 200
    amina.refresh_from_db()
    assert amina.name == NAME


def test_delete_account_invalid_utf8(client, amina):
    client.force_login(amina.user)
    response = client.post(
        DELETE_URL, b"password=%ff%fe&phrase=%c3", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    amina.refresh_from_db()
    assert amina.name == NAME


def test_office_records_and_carries_out_a_request(client, amina, office):
    client.force_login(office)
    page = client.get(amina.get_absolute_url()).content.decode()
    record_url = reverse("privacy:erasure_record", args=[amina.pk])
    assert record_url in page
    response = client.post(record_url, {"note": "Brief vom 3.12."})
    request = ErasureRequest.objects.get()
    assert response["Location"] == request.get_absolute_url()
    # Again: the pending request, not a second one.
    assert client.get(record_url)["Location"] == request.get_absolute_url()
    detail = client.get(request.get_absolute_url()).content.decode()
    assert "Löschung ausführen" in detail
    carry_out = reverse("privacy:erasure_carry_out", args=[request.pk])
    # A POST without the confirmation asks first and changes nothing.
    assert client.post(carry_out).status_code == 200
    request.refresh_from_db()
    assert request.is_pending
    client.post(carry_out, {"confirm": "yes"})
    request.refresh_from_db()
    assert not request.is_pending
    ledger = client.get(LEDGER_URL).content.decode()
    assert request.pseudonym in ledger
    assert NAME not in ledger


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FACILITATOR, Role.PARTICIPANT])
def test_others_may_not_record_carry_out_or_read_the_ledger(client, amina, office, bonn, role):
    request = erasure.record_request(amina, by_user=office)
    scope = {"municipality": bonn} if role in (Role.COORDINATOR, Role.FACILITATOR) else {}
    client.force_login(user_with_role(role, **scope))
    for url in (
        LEDGER_URL,
        reverse("privacy:erasure_record", args=[amina.pk]),
        request.get_absolute_url(),
        reverse("privacy:erasure_carry_out", args=[request.pk]),
    ):
        assert client.get(url).status_code in (302, 403), url
    client.post(reverse("privacy:erasure_carry_out", args=[request.pk]), {"confirm": "yes"})
    request.refresh_from_db()
    assert request.is_pending


def test_the_person_cannot_carry_out_the_office_request(client, amina, office):
    request = erasure.record_request(amina, by_user=office)
    client.force_login(amina.user)
    response = client.post(
        reverse("privacy:erasure_carry_out", args=[request.pk]), {"confirm": "yes"}
    )
    assert response.status_code in (302, 403)
    request.refresh_from_db()
    assert request.is_pending


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
def test_unknown_ids(client, office, pk):
    client.force_login(office)
    assert client.get(f"/de/personal-data/erasure/{pk}/").status_code == 404
    assert client.get(f"/de/personal-data/erasure/person/{pk}/").status_code == 404


def test_record_request_hostile_note(client, amina, office):
    client.force_login(office)
    url = reverse("privacy:erasure_record", args=[amina.pk])
    for note in ("\x00", "x" * 10_000):
        assert client.post(url, {"note": note}).status_code == 200
    assert not ErasureRequest.objects.exists()


def test_ledger_shows_held_data_and_overdue_requests(client, amina, office):
    request = erasure.record_request(amina, by_user=office)
    ErasureRequest.objects.filter(pk=request.pk).update(
        due_on=timezone.localdate() - timedelta(days=2)
    )
    LedgerEntry.objects.create(kind="contact_messages", count=3, reason="retention")
    client.force_login(office)
    page = client.get(LEDGER_URL).content.decode()
    assert "überfällig" in page
    assert "Kontaktnachrichten" in page
    assert "Personen" in page


def test_ledger_queries_do_not_grow(client, office, django_assert_max_num_queries, db):
    client.force_login(office)
    client.get(LEDGER_URL)  # warm up the session and the user's roles
    for _number in range(30):
        LedgerEntry.objects.create(kind="contact_messages", count=1, reason="retention")
        ErasureRequest.objects.create(
            person=PersonFactory(), due_on=timezone.localdate(), pseudonym=""
        )
    with django_assert_max_num_queries(30):
        assert client.get(LEDGER_URL).status_code == 200


def test_ledger_page_parameters_are_hostile_proof(client, office):
    client.force_login(office)
    for value in ("abc", "-1", "99999999999999999999", "\x00"):
        response = client.get(LEDGER_URL, {"page": value, "pending": value, "done": value})
        assert response.status_code == 200


def test_english_ledger(client, office):
    client.force_login(office)
    response = client.get("/en/personal-data/ledger/")
    assert response.status_code == 200
    assert "Privacy ledger" in response.content.decode()
