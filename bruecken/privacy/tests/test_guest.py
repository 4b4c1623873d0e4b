"""The personal link for people without an account: their data, its download, its erasure and
unsubscribing, for the link's person only; bad, expired and hostile links get a clear page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.tests.factories import RegistrationFactory
from bruecken.privacy import exports, guest
from bruecken.privacy.models import DataExport, ErasureRequest, GuestLink, LedgerEntry

pytestmark = pytest.mark.usefixtures("language_reset")


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    settings.SITE_URL = "https://bruecken.example.org"
    settings.DATA_EXPORT_DIR = str(tmp_path)


@pytest.fixture
def person(db):
    return PersonFactory(name="Amina Diallo", email="amina@example.org", language="en")


def path_of(link):
    return link.removeprefix("https://bruecken.example.org")


def token_of(link):
    return link.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def link(person):
    with translation.override("en"):
        return path_of(guest.data_link(person))


class TestDataLink:
    def test_carries_nothing_but_a_random_token(self, person):
        with translation.override("en"):
            address = guest.data_link(person)
        assert re.fullmatch(
            r"https://bruecken\.example\.org/en/personal-data/link/[A-Za-z0-9_-]{43}/", address
        )
        token = token_of(address)
        for part in ("amina", "diallo", "example"):
            assert part not in address.lower().removeprefix("https://bruecken.example.org")
        stored = GuestLink.objects.get()
        assert stored.person == person
        assert stored.token_hash != token and token not in stored.token_hash

    def test_expires_after_the_setting(self, person, settings):
        settings.GUEST_DATA_LINK_DAYS = 30
        token = token_of(guest.data_link(person))
        now = timezone.now()
        assert guest.person_for_token(token, now + timedelta(days=30) - timedelta(seconds=1))
        with pytest.raises(guest.InvalidLink) as refused:
            guest.person_for_token(token, now + timedelta(days=30, seconds=1))
        assert refused.value.code == "expired"

    def test_footer_for_people_without_an_account_only(self, person):
        with translation.override("en"):
            text, headers = guest.footer(person)
        assert "See, download or delete the data we hold about you:" in text
        assert "https://bruecken.example.org/en/personal-data/link/" in text
        assert "/unsubscribe/" in headers["List-Unsubscribe"]
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        holder = PersonFactory(user=UserFactory())
        assert guest.footer(holder) == ("", {})
        assert not GuestLink.objects.filter(person=holder).exists()

    def test_housekeeping_deletes_expired_links(self, person):
        guest.data_link(person)
        GuestLink.objects.create(
            person=person,
            token_hash="x" * 64,
            expires_at=timezone.now() - timedelta(seconds=1),
        )
        assert guest.delete_expired_links() == 1
        assert GuestLink.objects.count() == 1


class TestOverview:
    def test_shows_the_persons_data_and_nobody_elses(self, client, person, link):
        RegistrationFactory(person=person, event__title="Workshop Bonn")
        RegistrationFactory(event__title="Someone else's workshop")
        response = client.get(link)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Your data with us" in content
        assert "Amina Diallo" in content
        assert "Workshop Bonn" in content
        assert "Someone else" not in content
        assert "no-store" in response["Cache-Control"]
        assert 'name="robots" content="noindex"' in content

    def test_in_german(self, client, person):
        with translation.override("de"):
            link = path_of(guest.data_link(person))
        content = client.get(link).content.decode()
        assert "Ihre Daten bei uns" in content

    @pytest.mark.parametrize(
        "token",
        ["nonsense", "A" * 43, "x" * 5000, "%00", "ä%C3", "' OR 1=1 --", "..%2E"],
    )
    def test_made_up_and_hostile_links(self, client, db, token):
        for suffix in ("", "export/", "delete/", "unsubscribe/"):
            response = client.get(f"/en/personal-data/link/{token}/{suffix}")
            assert response.status_code in (404, 405), (token, suffix)
            if response.status_code == 404:
                assert "This link is not valid" in response.content.decode()

    def test_tampered_link(self, client, link):
        token = token_of(link)
        tampered = link.replace(token, token[:-1] + ("B" if token[-1] != "B" else "C"))
        response = client.get(tampered)
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()

    def test_expired_link_says_so(self, client, person, link):
        GuestLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        response = client.get(link)
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
        response = client.post(link + "delete/", {"confirm": "yes"})
        assert response.status_code == 410
        assert Person.objects.filter(pk=person.pk, name="Amina Diallo").exists()


class TestExport:
    def test_request_and_download_own_export(self, client, person, link):
        response = client.post(link + "export/")
        assert response.status_code == 302
        assert response["Location"] == link + "#export"
        export = DataExport.objects.get(person=person)
        assert export.user is None
        exports.build_export(str(export.pk))
        content = client.get(link).content.decode()
        download = link + f"export/{export.pk}/"
        assert download in content
        response = client.get(download)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"

    def test_another_persons_export_is_not_found(self, client, person, link):
        other = PersonFactory()
        export = exports.request_export(person=other)
        exports.build_export(str(export.pk))
        assert client.get(link + f"export/{export.pk}/").status_code == 404
        assert client.get(link + "export/not-a-uuid/").status_code == 404

    def test_get_does_not_export(self, client, person, link):
        assert client.get(link + "export/").status_code == 405
        assert not DataExport.objects.exists()


class TestDelete:
    def test_asks_first(self, client, person, link):
        response = client.get(link + "delete/")
        assert response.status_code == 200
        assert "Delete all data we hold about you?" in response.content.decode()
        # A POST without the confirmation field only asks too.
        assert client.post(link + "delete/").status_code == 200
        assert Person.objects.filter(name="Amina Diallo").exists()

    def test_erases_after_confirmation(self, client, person, link):
        RegistrationFactory(person=person)
        response = client.post(link + "delete/", {"confirm": "yes"})
        assert response.status_code == 200
        assert "Your data has been deleted" in response.content.decode()
        assert not Person.objects.filter(name="Amina Diallo").exists()
        assert not Person.objects.filter(email="amina@example.org").exists()
        assert ErasureRequest.objects.filter(status=ErasureRequest.Status.DONE).count() == 1
        assert LedgerEntry.objects.filter(reason=LedgerEntry.Reason.ERASURE).exists()
        # The link no longer works.
        assert client.get(link).status_code == 404

    def test_only_the_links_person_is_erased(self, client, person, link):
        other = PersonFactory(name="Other Person")
        client.post(link + "delete/", {"confirm": "yes"})
        other.refresh_from_db()
        assert other.name == "Other Person"


class TestUnsubscribe:
    def test_page_then_post(self, client, person, link):
        response = client.get(link + "unsubscribe/")
        assert response.status_code == 200
        assert "Stop reminders" in response.content.decode()
        person.refresh_from_db()
        assert person.accepts_emails  # a GET (a mail scanner) changes nothing
        content = client.post(link + "unsubscribe/", {"action": "unsubscribe"}).content.decode()
        assert "you get no more reminders" in content
        person.refresh_from_db()
        assert not person.accepts_emails
        client.post(link + "unsubscribe/", {"action": "subscribe"})
        person.refresh_from_db()
        assert person.accepts_emails

    def test_one_click_from_the_mail_program(self, person, link):
        # RFC 8058: the mail program posts this body, with no form and no CSRF token.
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            link + "unsubscribe/",
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        person.refresh_from_db()
        assert not person.accepts_emails

    def test_unknown_action_unsubscribes(self, client, person, link):
        client.post(link + "unsubscribe/", {"action": "\x00" * 50})
        person.refresh_from_db()
        assert not person.accepts_emails


def test_url_names():
    assert reverse("privacy:guest", args=["abc"]).endswith("/personal-data/link/abc/")
