import codecs
import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.places.models import Country
from bruecken.transfer import exports, services
from bruecken.transfer.importers import ORGANISATION_COLUMNS, suggest_mapping

from .conftest import check

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def get(client, user, name, query=""):
    client.force_login(user)
    return client.get(reverse(f"transfer:{name}") + query)


def content(response):
    return b"".join(response.streaming_content)


def read_csv(data, encoding):
    return list(csv.reader(io.StringIO(data.decode(encoding)), delimiter=";"))


@pytest.fixture
def registry(bonn, kiel):
    ghana = Country.objects.get(code="GH")
    return {
        "bonn": OrganisationFactory(
            name="Ghanaischer Verein", municipality=bonn, countries=[ghana], phone="+49228123456"
        ),
        "bonn2": OrganisationFactory(name="Weltladen Bonn", municipality=bonn, kind="ngo"),
        "kiel_private": OrganisationFactory(name="Verein Kiel", municipality=kiel, email="k@x.de"),
        "kiel_public": OrganisationFactory(
            name="Netzwerk Kiel", municipality=kiel, public=True, email="n@x.de"
        ),
    }


def test_csv_is_utf8_with_bom_and_semicolons(client, office, registry):
    response = get(client, office, "export_organisations")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    data = content(response)
    assert data.startswith(codecs.BOM_UTF8)
    rows = read_csv(data, "utf-8-sig")
    assert rows[0][:4] == ["ID", "Name", "Art", "Kommune"]
    assert {row[1] for row in rows[1:]} == {
        "Ghanaischer Verein",
        "Weltladen Bonn",
        "Verein Kiel",
        "Netzwerk Kiel",
    }
    ghana = next(row for row in rows if row[1] == "Ghanaischer Verein")
    assert ghana[2] == "Migrantenorganisation"
    assert ghana[4] == "05314000"
    assert ghana[5] == "GH"
    assert ghana[13] == "0228 123456"


def test_csv_in_windows_1252(client, office, registry):
    registry["bonn"].description = "Förderung – Süd"
    registry["bonn"].save()
    data = content(get(client, office, "export_organisations", "?encoding=cp1252"))
    assert not data.startswith(codecs.BOM_UTF8)
    rows = read_csv(data, "cp1252")
    assert "Förderung – Süd" in [row[10] for row in rows]


def test_export_follows_the_filters(client, office, registry, bonn):
    rows = read_csv(
        content(get(client, office, "export_organisations", f"?municipality={bonn.pk}&kind=ngo")),
        "utf-8-sig",
    )
    assert [row[1] for row in rows[1:]] == ["Weltladen Bonn"]


def test_export_is_scoped_by_role(client, bonn_coordinator, registry):
    rows = read_csv(content(get(client, bonn_coordinator, "export_organisations")), "utf-8-sig")
    names = {row[1] for row in rows[1:]}
    assert names == {"Ghanaischer Verein", "Weltladen Bonn", "Netzwerk Kiel"}
    kiel = next(row for row in rows if row[1] == "Netzwerk Kiel")
    assert kiel[12] == "n@x.de"  # published: contact data is public
    assert kiel[16] == ""  # but not the consent record


def test_people_export_hides_what_the_user_may_not_see(client, bonn_coordinator, bonn, kiel):
    PersonFactory(name="Abena", municipality=bonn, email="abena@x.de", is_decision_maker=True)
    PersonFactory(name="Baraka", municipality=kiel, email="baraka@x.de", public=True)
    PersonFactory(name="Neema", municipality=kiel, email="neema@x.de")
    rows = read_csv(content(get(client, bonn_coordinator, "export_people")), "utf-8-sig")
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Abena", "Baraka"}
    assert by_name["Abena"][1] == "abena@x.de"
    assert by_name["Abena"][9] == "ja"
    assert by_name["Baraka"][1] == ""


def test_xlsx_export(client, office, registry):
    response = get(client, office, "export_organisations", "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(content(response)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][1] == "Name"
    assert len(rows) == 5


def test_formulas_are_escaped(client, office, bonn):
    OrganisationFactory(
        name='=HYPERLINK("http://evil")', municipality=bonn, competences="+1", description="@SUM(1)"
    )
    rows = read_csv(content(get(client, office, "export_organisations")), "utf-8-sig")
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][9] == "'+1"
    assert rows[1][10] == "'@SUM(1)"
    response = get(client, office, "export_organisations", "?format=xlsx")
    sheet = load_workbook(io.BytesIO(content(response))).worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")


def test_escape():
    assert exports.escape("=1") == "'=1"
    assert exports.escape("-x") == "'-x"
    assert exports.escape("a=1") == "a=1"
    assert exports.escape(5) == 5


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_rows(
    client, office, bonn, count, django_assert_max_num_queries
):
    ghana = Country.objects.get(code="GH")
    for n in range(count):
        OrganisationFactory(name=f"Verein {n}", municipality=bonn, countries=[ghana])
    client.force_login(office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("transfer:export_organisations"))
        data = content(response)
    assert len(read_csv(data, "utf-8-sig")) == count + 1


@pytest.mark.parametrize("user", ["participant", None])
def test_export_refused(client, request, user):
    if user:
        client.force_login(request.getfixturevalue(user))
    response = client.get(reverse("transfer:export_organisations"))
    assert response.status_code == (403 if user else 302)


def test_export_columns_are_understood_by_the_import():
    with translation.override("en"):
        header = [str(ORGANISATION_COLUMNS[key].label) for key in exports.ORGANISATION_KEYS]
    assert list(suggest_mapping(header, ORGANISATION_COLUMNS).values()) == exports.ORGANISATION_KEYS


def edit(rows, name, column, value):
    for row in rows:
        if row[1] == name:
            row[column] = value
            return
    raise AssertionError(name)


def excel_csv(rows):
    handle = io.StringIO()
    csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)
    return handle.getvalue().encode("cp1252")


def test_round_trip_of_the_demo_registry(client, office):
    """The issue's acceptance test: export the demo organisations as Excel's semicolon CSV in
    Windows-1252, change a few rows and break two, import: the preview names the two broken
    rows, the commit does nothing until they are fixed, then updates the rest."""
    from bruecken.actors.models import Organisation
    from bruecken.demo.registry import create_demo_data

    create_demo_data()
    before = {o.pk: (o.name, o.kind, o.founded, o.competences) for o in Organisation.objects.all()}
    data = content(get(client, office, "export_organisations", "?encoding=cp1252"))
    rows = read_csv(data, "cp1252")
    assert len(rows) == len(before) + 1
    names = [row[1] for row in rows[1:]]
    changed, broken = names[:3], names[3:5]
    for name in changed:
        edit(rows, name, 9, "Neu: Beratung für Vereine")
    edit(rows, broken[0], 2, "Kaffeeklatsch")
    edit(rows, broken[1], 15, "neunzehnhundert")
    run = check(office, excel_csv(rows), on_duplicate="update")
    # The unknown kind waits for a value mapping; the bad year is a row error.
    assert run.problem_count == 1
    assert [(p["row"], p["column"], p["value"]) for p in run.problems] == [
        (6, rows[0][15], "neunzehnhundert"),
    ]
    assert [(v["rows"], v["column"], v["value"]) for v in run.unknown_values] == [
        ([5], "Art", "Kaffeeklatsch")
    ]
    assert all(p["reason"] for p in run.problems)
    with pytest.raises(services.ValidationError):
        services.commit(office, run)
    now = {o.pk: (o.name, o.kind, o.founded, o.competences) for o in Organisation.objects.all()}
    assert now == before

    original = read_csv(data, "cp1252")
    rows[4], rows[5] = original[4], original[5]
    run = check(office, excel_csv(rows), on_duplicate="update")
    assert run.problem_count == 0, run.problems
    assert run.summary == {"create": 0, "update": 3, "skip": 0, "unchanged": len(before) - 3}
    run = services.commit(office, run)
    assert run.summary["updated"] == 3
    for organisation in Organisation.objects.all():
        if organisation.name in changed:
            assert organisation.competences == "Neu: Beratung für Vereine"
        else:
            assert before[organisation.pk] == (
                organisation.name,
                organisation.kind,
                organisation.founded,
                organisation.competences,
            )


@pytest.mark.parametrize("query", ["", "?encoding=cp1252", "?format=xlsx"])
def test_every_export_imports_back_unchanged(client, office, registry, query):
    data = content(get(client, office, "export_organisations", query))
    run = check(office, data, name="export.xlsx" if "xlsx" in query else "export.csv")
    assert run.problem_count == 0, run.problems
    assert run.summary == {"create": 0, "update": 0, "skip": 0, "unchanged": 4}


def test_people_export_imports_back_unchanged(client, office, bonn, kiel):
    from bruecken.places.models import Language

    abena = PersonFactory(name="Abena", municipality=bonn, phone="+49228123456")
    abena.languages.set(Language.objects.filter(code__in=["de", "tw"]))
    PersonFactory(name="Baraka", municipality=kiel, public=True, is_multiplier=True)
    data = content(get(client, office, "export_people", "?encoding=cp1252"))
    run = check(office, data, kind="people", on_duplicate="update")
    assert run.problem_count == 0, run.problems
    assert run.summary == {"create": 0, "update": 0, "skip": 0, "unchanged": 2}
