import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bruecken import personal_data
from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.tests.factories import RegistrationFactory
from bruecken.privacy import exports
from bruecken.privacy.models import DataExport

from .my_data_fixtures import held_fixture, in_german_fixture  # noqa: F401 (fixtures)

Status = DataExport.Status
pytestmark = pytest.mark.usefixtures("in_german", "language_reset")


def request(django_capture_on_commit_callbacks, **owner):
    # Tests run tasks at once (ImmediateBackend), once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(**owner)
    export.refresh_from_db()
    return export


def unzip(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def download(client, export):
    response = client.get(reverse("privacy:my_data_download", args=[export.pk]))
    return response, (b"".join(response.streaming_content) if response.status_code == 200 else b"")


def test_the_zip_holds_json_and_a_csv_per_kind(
    client, participant, held, exports_dir, django_capture_on_commit_callbacks
):
    export = request(django_capture_on_commit_callbacks, user=participant)
    assert export.status == Status.READY
    assert export.person == held
    assert export.expires_at == export.finished_at + timedelta(hours=24)
    client.force_login(participant)
    response, content = download(client, export)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    files = unzip(content)
    assert {"data.json", "registrations.csv", "consents.csv", "person.csv"} <= set(files)
    data = json.loads(files["data.json"])["sections"]
    events = {row["event"] for row in data["registrations"]["rows"]}
    assert any("Auftaktwerkstatt Bonn" in event for event in events)
    consents = {row["kind"]: row["given"] for row in data["consents"]["rows"]}
    assert consents == {"directory": True, "membership": True, "emails": True}
    assert data["consent_history"]["rows"][0]["changes"]["consent_given_by"][1] == (
        "Amara Diallo selbst"
    )
    registrations = list(csv.DictReader(io.StringIO(files["registrations.csv"])))
    assert len(registrations) == 2
    assert {"event", "status", "registered_at"} <= set(registrations[0])
    consent_rows = {r["kind"]: r for r in csv.DictReader(io.StringIO(files["consents.csv"]))}
    assert consent_rows["directory"]["given"] == "true"
    # Kept outside MEDIA_ROOT, in the configured place.
    assert str(exports_dir) in export.file.path


def test_another_persons_export_is_not_found(
    client, participant, held, exports_dir, django_capture_on_commit_callbacks
):
    export = request(django_capture_on_commit_callbacks, user=participant)
    client.force_login(UserFactory())
    assert download(client, export)[0].status_code == 404
    client.logout()
    response, _content = download(client, export)
    assert response.status_code == 302  # to the sign-in


def test_an_unknown_id_is_not_found(client, participant, db):
    client.force_login(participant)
    url = reverse("privacy:my_data_download", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_an_expired_export_is_not_served_and_deleted_by_the_housekeeping(
    client, participant, held, exports_dir, django_capture_on_commit_callbacks
):
    export = request(django_capture_on_commit_callbacks, user=participant)
    path = export.file.path
    client.force_login(participant)
    later = export.expires_at + timedelta(seconds=1)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(1))
    assert download(client, export)[0].status_code == 404
    assert exports.delete_expired(later) == 1
    assert not DataExport.objects.filter(pk=export.pk).exists()
    import os

    assert not os.path.exists(path)


def test_housekeeping_keeps_what_is_still_valid(
    participant, held, exports_dir, django_capture_on_commit_callbacks
):
    request(django_capture_on_commit_callbacks, user=participant)
    assert exports.delete_expired(timezone.now()) == 0
    assert DataExport.objects.count() == 1


def test_one_at_a_time_and_a_daily_limit(participant, held, exports_dir, settings):
    # Without running the task: the first stays pending.
    exports.request_export(user=participant)
    with pytest.raises(ValidationError) as refused:
        exports.request_export(user=participant)
    assert refused.value.code == "pending"
    DataExport.objects.update(status=Status.READY, expires_at=timezone.now() + timedelta(1))
    settings.DATA_EXPORT_DAILY_LIMIT = 2
    exports.request_export(user=participant)
    DataExport.objects.update(status=Status.READY, expires_at=timezone.now() + timedelta(1))
    with pytest.raises(ValidationError) as refused:
        exports.request_export(user=participant)
    assert refused.value.code == "rate_limited"


def test_a_person_without_an_account(exports_dir, db, django_capture_on_commit_callbacks):
    person = PersonFactory(name="Nour Haddad")
    RegistrationFactory(person=person)
    export = request(django_capture_on_commit_callbacks, person=person)
    assert export.status == Status.READY and export.user is None
    assert DataExport.objects.owned_by(person=person).available().get() == export
    files = unzip(export.file.read())
    assert "registrations.csv" in files and "Nour Haddad" in files["person.csv"]
    # Nobody else's.
    assert not DataExport.objects.owned_by(person=PersonFactory()).exists()
    assert not DataExport.objects.owned_by(user=UserFactory()).exists()


def test_a_failed_build_is_recorded(participant, held, exports_dir, monkeypatch):
    def broken(person, user):
        raise RuntimeError("boom")

    monkeypatch.setitem(personal_data.PARTS, "broken", (broken, None))
    export = exports.request_export(user=participant)
    assert exports.build_export(export.pk) is False
    export.refresh_from_db()
    assert export.status == Status.FAILED and not export.file


def test_spreadsheet_formulas_are_escaped_in_csv_only():
    section = personal_data.Section(
        "x", "X", [{"a": "=HYPERLINK()", "b": -1}], {"a": "A", "b": "B"}
    )
    files = unzip(exports.export_zip([section], timezone.now()))
    assert "'=HYPERLINK()" in files["x.csv"] and ",-1" in files["x.csv"]
    assert json.loads(files["data.json"])["sections"]["x"]["rows"][0]["a"] == "=HYPERLINK()"


def test_the_page_shows_the_state_and_requests_by_post(
    client, participant, held, exports_dir, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    assert client.get(reverse("privacy:my_data_export")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:my_data_export"))
    assert response.status_code == 302
    html = client.get(reverse("privacy:my_data")).content.decode()
    export = DataExport.objects.get()
    assert reverse("privacy:my_data_download", args=[export.pk]) in html
    DataExport.objects.update(status=Status.PENDING)
    status = client.get(reverse("privacy:my_data_export_status")).content.decode()
    assert "hx-trigger" in status and "wird vorbereitet" in status
    DataExport.objects.update(status=Status.FAILED)
    status = client.get(reverse("privacy:my_data_export_status")).content.decode()
    assert "nicht erstellt" in status
