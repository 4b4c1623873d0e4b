import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.advisory.models import Advice, AdviceKind
from bruecken.advisory.services import record_advice

from .conftest import values

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_reset")]


def _post(client, url, data):
    return client.post(url, data)


def _form(seminar=None, **changes):
    day = timezone.localtime(seminar.starts_at).date() if seminar else timezone.localdate()
    data = {
        "kind": AdviceKind.SEMINAR if seminar else AdviceKind.CONSULTATION,
        "event": seminar.pk if seminar else "",
        "given_on": day.isoformat(),
        "topic": "Vereinsgründung",
        "next_steps": "Satzung entwerfen.",
        "follow_up_on": (day + datetime.timedelta(days=7)).isoformat(),
    }
    data.update(changes)
    return data


def test_the_organisation_page_links_to_its_advice(client, bonn_coordinator, bonn_org, advice):
    client.force_login(bonn_coordinator)
    page = client.get(bonn_org.get_absolute_url()).content.decode()
    url = reverse("advisory:organisation", args=[bonn_org.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Beratung von Ghana Union Bonn" in html
    assert "Fördermittel beantragen" in html
    assert "Beratung erfassen" in html


def test_english_pages_mark_german_text(client, office, bonn_org, advice):
    client.force_login(office)
    html = client.get(f"/en/advisory/organisations/{bonn_org.pk}/").content.decode()
    assert "Advice to Ghana Union Bonn" in html
    assert 'lang="de">Fördermittel beantragen</a>' in html
    html = client.get(f"/en/advisory/{advice.pk}/").content.decode()
    assert "Mark the follow-up done" in html
    assert "Agreed next steps" in html


def test_a_facilitator_sees_no_organisation_link_nor_page(client, bonn, bonn_org):
    from bruecken.accounts.models import Role
    from bruecken.accounts.tests.factories import user_with_role

    facilitator = user_with_role(Role.FACILITATOR, municipality=bonn)
    client.force_login(facilitator)
    page = client.get(bonn_org.get_absolute_url()).content.decode()
    assert "/advisory/organisations/" not in page
    assert client.get(reverse("advisory:organisation", args=[bonn_org.pk])).status_code == 403


def test_the_representative_reads_but_does_not_record(client, representative, bonn_org, advice):
    client.force_login(representative)
    html = client.get(reverse("advisory:organisation", args=[bonn_org.pk])).content.decode()
    assert "Fördermittel beantragen" in html
    assert "Beratung erfassen" not in html
    html = client.get(advice.get_absolute_url()).content.decode()
    assert "Nachfassen als erledigt vermerken" not in html
    url = reverse("advisory:organisation_advice_create", args=[bonn_org.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(
            reverse("advisory:advice_follow_up", args=[advice.pk]), {"done": "1"}
        ).status_code
        == 403
    )


def test_a_coordinator_records_advice_on_the_form(client, bonn_coordinator, bonn_org, seminar):
    client.force_login(bonn_coordinator)
    url = reverse("advisory:organisation_advice_create", args=[bonn_org.pk])
    response = client.post(url, _form(seminar, advisor=bonn_coordinator.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    advice = Advice.objects.get()
    assert response["Location"] == advice.get_absolute_url()
    assert advice.organisation == bonn_org
    assert advice.event == seminar
    assert advice.recorded_by == bonn_coordinator


def test_another_municipalitys_organisation_is_refused(
    client, bonn_coordinator, kiel_org, bonn_org
):
    client.force_login(bonn_coordinator)
    url = reverse("advisory:organisation_advice_create", args=[kiel_org.pk])
    assert client.post(url, _form()).status_code == 403
    # Nor through the general form: the picker takes only the coordinator's organisations.
    response = client.post(reverse("advisory:advice_create"), _form(organisation=kiel_org.pk))
    assert response.status_code == 200
    assert not Advice.objects.exists()


def test_hostile_dates_are_form_errors(client, office, bonn_org):
    client.force_login(office)
    url = reverse("advisory:organisation_advice_create", args=[bonn_org.pk])
    for changes in (
        {"given_on": "31.02.2026"},
        {"given_on": "0001-01-01"},
        {"given_on": "9999-12-31"},
        {"follow_up_on": "2026-02-31"},
        {"given_on": "2026-05-10", "follow_up_on": "2026-05-09"},
        {"topic": "x" * 10_000},
        {"topic": "a\x00b"},
        {"event": "99999999999999999999999"},
        {"advisor": "1\x00"},
        {"kind": "nonsense"},
    ):
        response = client.post(url, _form(**changes))
        assert response.status_code == 200, changes
        assert "field-error" in response.content.decode(), changes
    assert not Advice.objects.exists()


def test_edit_and_follow_up_and_delete(client, bonn_coordinator, advice, advisor):
    client.force_login(bonn_coordinator)
    url = reverse("advisory:advice_edit", args=[advice.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _form(
            advice.event,
            advisor=advisor.pk,
            topic="Neues Thema",
        ),
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.topic == "Neues Thema"
    client.force_login(advisor)
    client.post(reverse("advisory:advice_follow_up", args=[advice.pk]), {"done": "1"})
    advice.refresh_from_db()
    assert advice.follow_up_done_at is not None
    client.force_login(bonn_coordinator)
    delete = reverse("advisory:advice_delete", args=[advice.pk])
    assert client.get(delete).status_code == 200
    assert Advice.objects.filter(pk=advice.pk).exists()
    client.post(delete, {"confirm": "yes"})
    assert not Advice.objects.filter(pk=advice.pk).exists()


def test_the_overview_filters_and_pages_in_constant_queries(
    client, office, bonn, kiel_advice, advice, django_assert_max_num_queries
):
    client.force_login(office)
    url = reverse("advisory:overview")
    html = client.get(url).content.decode()
    assert "Wer wurde wozu beraten?" in html
    assert "Fördermittel beantragen" in html and "Satzung" in html
    html = client.get(url, {"municipality": bonn.pk}).content.decode()
    assert "Fördermittel beantragen" in html and "Satzung" not in html
    html = client.get(url, {"kind": AdviceKind.CONSULTATION}).content.decode()
    assert "Fördermittel beantragen" not in html and "Satzung" in html
    html = client.get(url, {"follow_up": "open", "q": "förder"}).content.decode()
    assert "Fördermittel beantragen" in html
    html = client.get(url, {"follow_up": "overdue"}).content.decode()
    assert "Fördermittel beantragen" not in html
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    organisation = OrganisationFactory(municipality=bonn)
    for number in range(30):
        record_advice(office, organisation, values(topic=f"Thema {number}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"page": 2})
    assert response.status_code == 200


def test_the_overview_for_a_coordinator_shows_their_municipality(
    client, bonn_coordinator, advice, kiel_advice
):
    client.force_login(bonn_coordinator)
    html = client.get(reverse("advisory:overview")).content.decode()
    assert "Fördermittel beantragen" in html
    assert "Satzung" not in html


def test_the_overview_is_not_for_representatives(client, representative):
    client.force_login(representative)
    assert client.get(reverse("advisory:overview")).status_code == 403


def test_hostile_filters_never_break_the_overview(client, office, advice):
    client.force_login(office)
    for query in (
        {"given_from": "31.02.2026"},
        {"given_until": "0000-00-00"},
        {"advisor": "99999999999999999999"},
        {"municipality": "\x00"},
        {"topic": "x" * 10_000},
        {"q": "\x00" * 50},
        {"follow_up": "nonsense"},
        {"page": "-1"},
    ):
        assert client.get(reverse("advisory:overview"), query).status_code == 200, query


def test_the_export_in_windows_1252_and_xlsx(client, office, advice, kiel_advice, bonn):
    client.force_login(office)
    url = reverse("advisory:export")
    response = client.get(url, {"encoding": "cp1252", "municipality": bonn.pk})
    assert response["Content-Type"] == "text/csv; charset=windows-1252"
    text = b"".join(response.streaming_content).decode("cp1252")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Datum", "Organisation", "Kommune"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Organisation"] == "Ghana Union Bonn"
    assert row["Thema"] == "Fördermittel beantragen"
    assert row["Beratende Person"] == "Frida Beraterin"
    assert row["Vereinbarte nächste Schritte"] == "Projektskizze an Amara Mensah schicken."
    response = client.get(url)
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())
    response = client.get(url, {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.max_row == 3


def test_the_export_escapes_formulas_and_respects_the_scope(
    client, bonn_coordinator, bonn_org, advice, kiel_advice, office
):
    record_advice(office, bonn_org, values(topic="=HYPERLINK(1)"))
    client.force_login(bonn_coordinator)
    text = b"".join(client.get(reverse("advisory:export")).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert "Satzung" not in text
