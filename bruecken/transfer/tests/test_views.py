import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bruecken.actors.models import Organisation
from bruecken.transfer.models import ImportRun

from .conftest import csv_bytes, upload

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def url(name, *args):
    return reverse(f"transfer:{name}", args=args)


def test_index_shows_the_upload_form(client, office, django_assert_max_num_queries):
    for n in range(5):
        ImportRun.objects.create(kind="organisations", original_name=f"{n}.csv", created_by=office)
    client.force_login(office)
    with django_assert_max_num_queries(10):
        response = client.get(url("index"))
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"4.csv" in response.content


def test_coordinator_sees_only_own_runs(client, bonn_coordinator, kiel_coordinator):
    ImportRun.objects.create(
        kind="organisations", original_name="kiel.csv", created_by=kiel_coordinator
    )
    client.force_login(bonn_coordinator)
    assert b"kiel.csv" not in client.get(url("index")).content


@pytest.mark.parametrize("user", ["bonn_facilitator", "participant"])
def test_wrong_role_gets_403(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(url("index")).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(url("index")).status_code == 302


def test_whole_flow(client, office, bonn):
    client.force_login(office)
    data = csv_bytes(["Verein A;MSO;Bonn;GH;1995;", "Verein B;NRO;Bonn;;;"])
    response = client.post(
        url("index"),
        {
            "kind": "organisations",
            "on_duplicate": "skip",
            "file": SimpleUploadedFile("a.csv", data),
        },
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200
    assert b'name="column_0"' in page.content
    post = {f"column_{i}": key for i, key in run.mapping.items()} | {"on_duplicate": "update"}
    response = client.post(url("run_check", run.pk), post)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "checked" and run.on_duplicate == "update"
    page = client.get(run.get_absolute_url())
    assert b"Verein A" in page.content
    assert url("run_commit", run.pk).encode() in page.content
    response = client.post(url("run_commit", run.pk))
    assert response.status_code == 302
    assert Organisation.objects.count() == 2
    run.refresh_from_db()
    assert run.status == "done"


def test_mapping_with_a_field_twice_is_refused(client, office, bonn):
    run = upload(office, csv_bytes(["Verein A;MSO;Bonn;GH;1995;"]))
    client.force_login(office)
    post = {"column_0": "name", "column_1": "name", "on_duplicate": "skip"}
    response = client.post(url("run_check", run.pk), post)
    assert response.status_code == 200
    assert b"error-summary" in response.content
    run.refresh_from_db()
    assert run.status == "uploaded"


def test_preview_lists_problems_and_commit_is_refused(client, office, bonn):
    run = upload(office, csv_bytes(["Verein A;MSO;Atlantis;;;"]))
    client.force_login(office)
    client.post(
        url("run_check", run.pk),
        {f"column_{i}": k for i, k in run.mapping.items()} | {"on_duplicate": "skip"},
    )
    page = client.get(run.get_absolute_url())
    assert b'id="problems"' in page.content and b"Atlantis" in page.content
    assert url("run_commit", run.pk).encode() not in page.content
    response = client.post(url("run_commit", run.pk), follow=True)
    assert Organisation.objects.count() == 0
    assert response.status_code == 200


def test_progress_fragment(client, office, bonn):
    run = upload(office, csv_bytes(["Verein A;MSO;Bonn;;;"]))
    ImportRun.objects.filter(pk=run.pk).update(status="checking", processed_rows=0)
    client.force_login(office)
    response = client.get(url("run_progress", run.pk), headers={"HX-Request": "true"})
    assert b"<progress" in response.content and b'hx-trigger="every 2s"' in response.content
    assert "HX-Refresh" not in response
    ImportRun.objects.filter(pk=run.pk).update(status="checked")
    response = client.get(url("run_progress", run.pk), headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    # Without JavaScript the run page shows the same bar and a link to reload.
    ImportRun.objects.filter(pk=run.pk).update(status="checking")
    page = client.get(run.get_absolute_url())
    assert b"<progress" in page.content and b"run-progress-bar" in page.content


def test_other_coordinator_gets_403(client, bonn_coordinator, kiel_coordinator, bonn):
    run = upload(bonn_coordinator, csv_bytes(["Verein A;MSO;Bonn;;;"]))
    client.force_login(kiel_coordinator)
    for name in ("run", "run_progress"):
        assert client.get(url(name, run.pk)).status_code == 403
    for name in ("run_check", "run_commit", "run_abandon"):
        assert client.post(url(name, run.pk)).status_code == 403


def test_abandon(client, office, bonn):
    run = upload(office, csv_bytes(["Verein A;MSO;Bonn;;;"]))
    client.force_login(office)
    response = client.post(url("run_abandon", run.pk), {"confirm": "yes"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "abandoned" and not run.file


def test_bad_upload_shows_errors(client, office):
    client.force_login(office)
    response = client.post(
        url("index"),
        {
            "kind": "organisations",
            "on_duplicate": "skip",
            "file": SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0xx"),
        },
    )
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert ImportRun.objects.count() == 0


def test_get_not_allowed_on_actions(client, office, bonn):
    run = upload(office, csv_bytes(["Verein A;MSO;Bonn;;;"]))
    client.force_login(office)
    assert client.get(url("run_commit", run.pk)).status_code == 405


def test_export_links_keep_the_filters(rf, office, bonn_facilitator, participant):
    from django.template.loader import render_to_string

    request = rf.get("/de/actors/organisations/", {"kind": "ngo", "q": "welt"})
    request.user = office
    html = render_to_string(
        "transfer/includes/export_links.html",
        {"export_url": "transfer:export_organisations"},
        request=request,
    )
    base = reverse("transfer:export_organisations")
    assert f'href="{base}?kind=ngo&amp;q=welt"' in html
    assert f'href="{base}?kind=ngo&amp;q=welt&amp;encoding=cp1252"' in html
    assert f'href="{base}?kind=ngo&amp;q=welt&amp;format=xlsx"' in html
    request.user = participant
    assert "href" not in render_to_string(
        "transfer/includes/export_links.html",
        {"export_url": "transfer:export_organisations"},
        request=request,
    )


def test_preview_names_the_changed_fields(client, office, bonn):
    from bruecken.actors.tests.factories import OrganisationFactory

    OrganisationFactory(name="Verein A", municipality=bonn, founded=1990)
    run = upload(office, csv_bytes(["Verein A;MSO;Bonn;;2001;"]), on_duplicate="update")
    client.force_login(office)
    client.post(
        url("run_check", run.pk),
        {f"column_{i}": k for i, k in run.mapping.items()} | {"on_duplicate": "update"},
    )
    page = client.get(run.get_absolute_url()).content.decode()
    label = str(Organisation._meta.get_field("founded").verbose_name)
    assert f"{label}: 1990 → 2001" in page


def test_abandon_asks_first(client, office, bonn):
    run = upload(office, csv_bytes(["Verein A;MSO;Bonn;;;"]), name="vereine.csv")
    client.force_login(office)
    for response in (
        client.get(url("run_abandon", run.pk)),
        client.post(url("run_abandon", run.pk)),
    ):
        content = response.content.decode()
        assert 'name="confirm" value="yes"' in content
        assert "„vereine.csv“" in content and "laden Sie sie erneut hoch" in content
    run.refresh_from_db()
    assert run.status != "abandoned" and run.file
