"""Spreadsheets as municipalities really keep them: unknown values of choice columns mapped
once (and remembered), full dates where a year is expected, phone numbers in every style,
warnings the user accepts, and every problem of a row at once."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import Organisation
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.transfer import parsing, services
from bruecken.transfer.forms import ValueMappingForm
from bruecken.transfer.importers.values import VOCABULARIES
from bruecken.transfer.models import ImportRun, ValueMapping

from .conftest import check, csv_bytes, problems_of
from .test_parsing import xlsx_bytes

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def url(name, *args):
    return reverse(f"transfer:{name}", args=args)


HEADERS = ["Name", "Art", "Kommune", "Themen", "Gründungsjahr", "Telefon", "E-Mail"]
GOOD_ROWS = [
    [
        "Ev. Kirchengemeinde Beuel",
        "Kirchengemeinde",
        "Bonn",
        "Bildung, Klimaschutz",
        "07.01.1980",
        "0228 / 12 34 56",
        "info@kirche.example",
    ],
    [
        "Afrika-Verein Bonn",
        "MSO",
        "Bonn",
        "Gesundheit; Wasser",
        datetime.datetime(1995, 3, 1),
        "+49 (0)228-123456",
        None,
    ],
    ["Stiftung Eine Welt", "Stiftung", "Bonn", "Bildung", "1999", "0228-123456", None],
    ["Katholische Kirchengemeinde", "Kirchengemeinde", "Bonn", "Wasser", "01.10.1950", None, None],
    ["Bürgerbüro", "Verwaltung", "Bonn", None, "2001", "12", None],  # a phone number that is none
]
WRONG_ROWS = [
    ["Weltladen Bonn", "NRO", "Bonn", "Klimaschutz", "31.02.1980", None, None],
    [None, "NRO", "Bonn", "Bildung", None, None, None],
    ["Kieler Verein", "MSO", "Kiel", None, None, None, None],
    ["Dreifach falsch", "MSO", "Kiel", None, "31.02.1980", None, "kein-at"],
]


def upload_view(client, data, name="vereine.xlsx"):
    response = client.post(
        url("index"),
        {"kind": "organisations", "on_duplicate": "skip", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 302
    return ImportRun.objects.order_by("-pk").first()


def dry_run_view(client, run):
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200
    post = {f"column_{i}": key for i, key in run.mapping.items()} | {"on_duplicate": "skip"}
    assert client.post(url("run_check", run.pk), post).status_code == 302
    run.refresh_from_db()
    return run, client.get(run.get_absolute_url())


def test_a_german_spreadsheet_imports_after_one_mapping_step(client, bonn_coordinator, bonn, kiel):
    """The issue's acceptance test, through the views as Bonn's coordinator."""
    client.force_login(bonn_coordinator)
    run = upload_view(client, xlsx_bytes([HEADERS, *GOOD_ROWS, *WRONG_ROWS]))
    run, page = dry_run_view(client, run)

    # Each unknown value once, with what it most likely means.
    proposals = {(v["vocabulary"], v["value"]): v["proposal"] for v in run.unknown_values}
    assert proposals == {
        ("organisation_kind", "Kirchengemeinde"): "faith_community",
        ("topic", "Bildung"): "sdg-4",
        ("topic", "Klimaschutz"): "sdg-13",
        ("topic", "Gesundheit"): "sdg-3",
        ("topic", "Wasser"): "sdg-6",
    }
    kirche = next(v for v in run.unknown_values if v["value"] == "Kirchengemeinde")
    assert kirche["rows"] == [2, 5] and kirche["count"] == 2
    html = page.content.decode()
    assert 'id="values"' in html
    assert 'value="Religionsgemeinschaft"' in html  # the proposal, filled in
    assert 'value="SDG 4: Hochwertige Bildung"' in html
    assert "<datalist" in html and "<select" not in html.split('id="values"')[1].split("</form>")[0]

    # Only the rows that are really wrong are named, each with all its problems at once.
    assert sorted({p["row"] for p in run.problems}) == [7, 8, 9, 10]
    assert sorted(problems_of(run)) == [
        (7, "Gründungsjahr", "31.02.1980"),
        (8, "Name", ""),
        (9, "Kommune", "Kiel"),
        (10, "E-Mail", "kein-at"),
        (10, "Gründungsjahr", "31.02.1980"),
        (10, "Kommune", "Kiel"),
    ]
    assert [(w["row"], w["column"], w["value"]) for w in run.warnings] == [(6, "Telefon", "12")]
    assert url("run_commit", run.pk) not in html

    # One mapping step: the proposals as the page fills them in, confirmed.
    form = ValueMappingForm(run=run)
    post = {name: field.initial for name, field in form.fields.items() if field.initial}
    response = client.post(url("run_values", run.pk), post)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED
    assert run.unknown_values == []
    assert sorted({p["row"] for p in run.problems}) == [7, 8, 9, 10]
    assert Organisation.objects.count() == 0  # nothing written while a row is wrong
    assert client.post(url("run_commit", run.pk), {"accept_warnings": "1"}).status_code == 302
    assert Organisation.objects.count() == 0

    # The corrected file: no mapping step again (remembered), no errors, one warning.
    run = upload_view(client, xlsx_bytes([HEADERS, *GOOD_ROWS]))
    run, page = dry_run_view(client, run)
    assert run.unknown_values == [] and run.problem_count == 0
    assert run.warning_count == 1
    html = page.content.decode()
    assert 'name="accept_warnings"' in html
    assert "Kirchengemeinde" in html  # the saved mapping is shown
    # Warnings must be accepted.
    client.post(url("run_commit", run.pk))
    assert Organisation.objects.count() == 0
    client.post(url("run_commit", run.pk), {"accept_warnings": "1"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE, run.problems
    assert Organisation.objects.count() == 5

    kirche = Organisation.objects.get(name="Ev. Kirchengemeinde Beuel")
    assert kirche.kind == "faith_community"
    assert sorted(t.code for t in kirche.topics.all()) == ["sdg-13", "sdg-4"]
    assert kirche.founded == 1980
    assert kirche.phone.as_e164 == "+49228123456"
    verein = Organisation.objects.get(name="Afrika-Verein Bonn")
    assert verein.founded == 1995 and verein.phone.as_e164 == "+49228123456"
    assert sorted(t.code for t in verein.topics.all()) == ["sdg-3", "sdg-6"]
    buero = Organisation.objects.get(name="Bürgerbüro")
    assert buero.kind == "administration" and not buero.phone
    assert AuditEntry.objects.filter(object_type="actors.organisation").count() == 5


# The proposer


@pytest.mark.parametrize(
    ("vocabulary", "value", "expected"),
    [
        ("organisation_kind", "Kirchengemeinde", "faith_community"),
        ("organisation_kind", "Ev. Kirchengemeinde St. Paul", "faith_community"),
        ("organisation_kind", "Moscheeverein", "faith_community"),
        ("organisation_kind", "Nichtregierungsorganisation", "ngo"),
        ("organisation_kind", "Stadtverwaltung", "administration"),
        ("organisation_kind", "Bürgerstiftung", "foundation"),
        ("organisation_kind", "Volkshochschule", "education"),
        ("organisation_kind", "Migrant organization", "migrant_organisation"),
        ("topic", "Bildung", "sdg-4"),
        ("topic", "Klimaschutz", "sdg-13"),
        ("topic", "Gesundheit", "sdg-3"),
        ("topic", "Wasser", "sdg-6"),
        ("topic", "Hochwertige Bildung", "sdg-4"),
        ("topic", "Quality education", "sdg-4"),
        ("topic", "Climate action", "sdg-13"),
        ("topic", "Ziel 13", "sdg-13"),
        ("topic", "SDG13 Klima", "sdg-13"),
        ("topic", "Menschenrechte", "human-rights"),
        ("engagement_form", "Projektarbeit", "aid-projects"),
        ("country", "Tansanie", "TZ"),
        ("country", "Elfenbeinküste", "CI"),
        ("country", "Ghana (Accra)", "GH"),
        ("country", "Großbritannien", "GB"),
        ("language", "Farsi", "fa"),
        ("language", "Kiswahili", "sw"),
        ("language", "Twi", "tw"),
    ],
)
def test_proposals(vocabulary, value, expected):
    assert VOCABULARIES[vocabulary]().propose(value) == expected


@pytest.mark.parametrize("value", ["Xyzzy", "", "Quatsch mit Soße", "x" * 10_000])
def test_no_proposal_for_nonsense(value):
    assert VOCABULARIES["organisation_kind"]().propose(value) is None


def test_known_values_in_either_language():
    countries = VOCABULARIES["country"]()
    assert countries.get("Tansania").code == "TZ"
    assert countries.get("tanzania").code == "TZ"
    assert countries.get("TZA").code == "TZ"
    kinds = VOCABULARIES["organisation_kind"]()
    assert kinds.get("Glaubensgemeinschaft") == "faith_community"
    assert kinds.get("faith community") == "faith_community"
    with translation.override("en"):
        assert kinds.label_of("faith_community") == "faith community"


# Dates where a year is expected


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("1980", 1980),
        (1980, 1980),
        (1980.0, 1980),
        ("07.01.1980", 1980),
        ("7.1.1980", 1980),
        ("1980-01-07", 1980),
        ("01/1980", 1980),
        (datetime.datetime(1980, 1, 7), 1980),
        (datetime.date(1980, 1, 7), 1980),
        ("", None),
    ],
)
def test_a_full_date_gives_its_year(value, year):
    assert parsing.parse_year(value) == year


@pytest.mark.parametrize("value", ["31.02.1980", "30.13.1980", "1980-02-30", "13/1980"])
def test_an_impossible_date_is_an_error(value):
    with translation.override("en"), pytest.raises(ValueError, match="does not exist"):
        parsing.parse_year(value)


@pytest.mark.parametrize("value", ["31.02.2024", "2024-13-01", "29.02.2023"])
def test_an_impossible_full_date(value):
    with translation.override("en"), pytest.raises(ValueError, match="does not exist"):
        parsing.parse_date(value)


def test_founding_dates_in_the_import(office, bonn):
    header = "Name;Art;Kommune;Gegründet\r\n"
    run = check(
        office, csv_bytes(["A;MSO;Bonn;07.01.1980", "B;MSO;Bonn;31.02.1980"], header=header)
    )
    assert problems_of(run) == [(3, "Gegründet", "31.02.1980")]
    assert run.problems[0]["reason"]


def test_partnership_since_takes_a_date(office, bonn):
    header = "Kommune;Partnerstadt;Land;Art;Seit\r\n"
    run = check(
        office,
        csv_bytes(["Bonn;Cape Coast Neu;Ghana;Städtepartnerschaft;12.05.1995"], header=header),
        kind="partnerships",
    )
    assert run.problem_count == 0, run.problems
    services.commit(office, run)
    from bruecken.places.models import Partnership

    assert Partnership.objects.get(partner_name="Cape Coast Neu").since == 1995


# Warnings


PHONE_HEADER = "Name;Art;Kommune;Telefon;Webseite\r\n"


@pytest.mark.parametrize(
    "phone", ["0228 / 12 34 56", "+49 (0)228-123456", "0228-123456", "(0228) 123456", "228123456"]
)
def test_german_phone_styles_are_understood(office, bonn, phone):
    run = check(office, csv_bytes([f"A;MSO;Bonn;{phone};"], header=PHONE_HEADER))
    assert run.problem_count == 0 and run.warning_count == 0, run.warnings
    services.commit(office, run)
    assert Organisation.objects.get().phone.as_e164 == "+49228123456"


def test_invalid_optional_contact_values_are_warnings(office, bonn):
    lines = ["A;MSO;Bonn;12;", "B;MSO;Bonn;;nicht eine adresse", "C;MSO;Bonn;0228 123456;"]
    run = check(office, csv_bytes(lines, header=PHONE_HEADER))
    assert run.problem_count == 0 and run.can_commit
    assert [(w["row"], w["column"]) for w in run.warnings] == [(2, "Telefon"), (3, "Webseite")]
    assert all(w["level"] == "warning" for w in run.warnings)
    with pytest.raises(services.ValidationError):
        services.commit(office, run)  # not accepted
    run = services.commit(office, run, accept_warnings=True)
    assert run.status == ImportRun.Status.DONE
    assert run.warning_count == 2  # kept: what was left out
    a = Organisation.objects.get(name="A")
    assert not a.phone
    assert Organisation.objects.get(name="B").website == ""


def test_a_warning_leaves_an_existing_value_alone(office, bonn):
    existing = OrganisationFactory(name="A", municipality=bonn, phone="+49228123456", founded=1990)
    header = "Name;Art;Kommune;Telefon;Gründungsjahr\r\n"
    run = check(office, csv_bytes(["A;MSO;Bonn;12;2000"], header=header), on_duplicate="update")
    assert run.warning_count == 1 and run.summary["update"] == 1
    services.commit(office, run, accept_warnings=True)
    existing.refresh_from_db()
    assert existing.founded == 2000
    assert existing.phone.as_e164 == "+49228123456"


def test_an_invalid_email_is_an_error(office, bonn):
    header = "Name;Art;Kommune;E-Mail\r\n"
    run = check(office, csv_bytes(["A;MSO;Bonn;kein-at"], header=header))
    assert problems_of(run) == [(2, "E-Mail", "kein-at")]
    assert not run.can_commit


def test_people_phone_is_a_warning(office, bonn):
    header = "Name;E-Mail;Kommune;Telefon\r\n"
    run = check(office, csv_bytes(["A;a@example.org;Bonn;abc"], header=header), kind="people")
    assert run.problem_count == 0 and run.warning_count == 1


# All problems of a row at once


def test_a_coordinator_learns_every_problem_of_a_row_at_once(bonn_coordinator, bonn, kiel):
    header = "Name;Art;Kommune;Gründungsjahr;E-Mail\r\n"
    run = check(bonn_coordinator, csv_bytes(["Verein;;Kiel;31.02.1980;kein-at"], header=header))
    assert sorted(problems_of(run)) == [
        (2, "Art", ""),
        (2, "E-Mail", "kein-at"),
        (2, "Gründungsjahr", "31.02.1980"),
        (2, "Kommune", "Kiel"),
    ]


def test_an_update_outside_the_scope_is_reported_with_the_rest(bonn_coordinator, kiel):
    OrganisationFactory(name="Verein K", municipality=kiel, public=True, founded=2000)
    header = "Name;Art;Kommune;Gründungsjahr;E-Mail\r\n"
    run = check(
        bonn_coordinator,
        csv_bytes(["Verein K;MSO;Kiel;2010;kein-at"], header=header),
        on_duplicate="update",
    )
    assert sorted(problems_of(run)) == [(2, "E-Mail", "kein-at"), (2, "Kommune", "Kiel")]


@pytest.mark.parametrize("kind", ["people", "memberships", "ties", "partnerships"])
def test_all_problems_at_once_for_every_kind(bonn_coordinator, bonn, kiel, kind):
    OrganisationFactory(name="Weltladen", municipality=kiel)
    OrganisationFactory(name="Verein", municipality=bonn)
    data = {
        "people": ("Name;E-Mail;Kommune;Entscheidungsträger\r\n", "A;kein-at;Kiel;vielleicht"),
        "memberships": (
            "E-Mail;Organisation;Kommune;Von\r\n",
            "kein-at;Weltladen;Kiel;31.02.2020",
        ),
        "ties": (
            "Organisation;Kommune;Mit Organisation;Kommune der Partnerorganisation;Art;Von\r\n",
            "Weltladen;Kiel;Verein;Bonn;;31.02.2020",
        ),
        "partnerships": (
            "Kommune;Partnerstadt;Land;Art;Seit\r\n",
            "Kiel;Moshi;Tansania;city;31.02.1995",
        ),
    }[kind]
    run = check(bonn_coordinator, csv_bytes([data[1]], header=data[0]), kind=kind)
    columns = {p["column"] for p in run.problems}
    # The bad value and the user's scope (or what they may see), in one dry run.
    assert columns & {"Kommune", "Organisation", "Mit Organisation"}, run.problems
    assert len(columns) >= 2, run.problems


# The mapping is remembered


def kirche_run(user):
    return check(user, csv_bytes(["Kirche;Kirchengemeinde;Bonn;;;"]))


def map_all(user, run, target=None):
    choices = {
        (v["vocabulary"], v["key"]): v["proposal"] if target is None else target
        for v in run.unknown_values
    }
    return services.map_values(user, run, choices)


def test_the_mapping_is_remembered_for_the_municipality(bonn_coordinator, kiel_coordinator, bonn):
    run = kirche_run(bonn_coordinator)
    assert [v["value"] for v in run.unknown_values] == ["Kirchengemeinde"]
    run = map_all(bonn_coordinator, run)
    assert run.unknown_values == [] and run.can_commit
    mapping = ValueMapping.objects.get()
    assert (mapping.municipality, mapping.user, mapping.target) == (bonn, None, "faith_community")
    assert AuditEntry.objects.filter(object_type="transfer.importrun").exists()
    # The next import by a colleague of the same municipality needs no mapping step.
    colleague = user_with_role(Role.COORDINATOR, municipality=bonn)
    assert kirche_run(colleague).unknown_values == []
    assert kirche_run(bonn_coordinator).mapped_values == [
        {
            "vocabulary": "organisation_kind",
            "key": "kirchengemeinde",
            "value": "Kirchengemeinde",
            "target": "faith_community",
        }
    ]
    # Another municipality's coordinator is asked.
    assert kirche_run(kiel_coordinator).unknown_values != []


def test_the_program_office_keeps_its_own_mapping(office, bonn):
    run = map_all(office, kirche_run(office))
    assert ValueMapping.objects.get().user == office
    assert kirche_run(office).unknown_values == []
    other = user_with_role(Role.PROGRAM_OFFICE)
    assert kirche_run(other).unknown_values != []
    # Changed: the latest choice counts.
    run = kirche_run(other)
    map_all(other, run, target="other")
    assert ValueMapping.objects.get(user=other).target == "other"


def test_a_value_left_out(office, bonn):
    header = "Name;Art;Kommune;Themen\r\n"
    run = check(office, csv_bytes(["A;MSO;Bonn;Bildung, Kaffee"], header=header))
    choices = {(v["vocabulary"], v["key"]): "" for v in run.unknown_values}
    choices[("topic", "bildung")] = "sdg-4"
    run = services.map_values(office, run, choices)
    assert run.can_commit, (run.problems, run.unknown_values)
    services.commit(office, run)
    assert [t.code for t in Organisation.objects.get().topics.all()] == ["sdg-4"]


def test_a_left_out_kind_of_a_new_organisation_is_an_error(office, bonn):
    run = kirche_run(office)
    run = map_all(office, run, target="")
    assert problems_of(run) == [(2, "Art", "Kirchengemeinde")]


def test_mapping_only_what_was_listed_and_known_codes(office, bonn):
    run = kirche_run(office)
    with pytest.raises(services.ValidationError):
        services.map_values(office, run, {("organisation_kind", "kirchengemeinde"): "nonsense"})
    # Values the dry run did not list are ignored.
    services.map_values(office, run, {("topic", "anything"): "sdg-4"})
    assert not ValueMapping.objects.exists()


def test_the_values_form_in_the_view(client, office, bonn):
    run = kirche_run(office)
    client.force_login(office)
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'for="id_value_0"' in page and 'for="id_drop_0"' in page
    # The suggestions: one datalist per list of values, no long select.
    assert page.count('<datalist id="known-organisation-kind">') == 1
    assert 'list="known-organisation-kind"' in page
    # A value that is not known: the error summary links to the field; nothing is saved.
    response = client.post(url("run_values", run.pk), {"value_0": "Kaffeeklatsch"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and 'href="#id_value_0"' in html
    assert not ValueMapping.objects.exists()
    # English names work as well as German ones.
    client.post(url("run_values", run.pk), {"value_0": "faith community"})
    run.refresh_from_db()
    assert run.can_commit


def test_the_values_page_in_english(client, office, bonn):
    run = kirche_run(office)
    client.force_login(office)
    with translation.override("en"):
        page = client.get(run.get_absolute_url()).content.decode()
    assert 'value="faith community"' in page
    assert "value to map" in page


# Hostile input never gives a 500


@pytest.mark.parametrize(
    "cell",
    [
        "a\x00b",
        "x" * 10_000,
        "1e999999",
        "99999999999999999999999",
        "-1",
        "١٩٨٠",  # Arabic-Indic digits
        "31.02.99999",
        "0" * 5000,
    ],
)
def test_hostile_cells(client, office, bonn, cell):
    header = "Name;Art;Kommune;Themen;Länder;Gründungsjahr;Telefon;Webseite;E-Mail\r\n"
    line = ";".join([cell, cell, "Bonn", cell, cell, cell, cell, cell, cell])
    run = check(office, csv_bytes([line], header=header, encoding="utf-8"))
    assert run.status == ImportRun.Status.CHECKED
    client.force_login(office)
    assert client.get(run.get_absolute_url()).status_code == 200
    form = {f"value_{i}": cell for i in range(len(run.unknown_values))}
    form |= {f"drop_{i}": cell for i in range(len(run.unknown_values))}
    assert client.post(url("run_values", run.pk), form).status_code in (200, 302)
    assert client.post(url("run_commit", run.pk), {"accept_warnings": cell}).status_code == 302


def test_hostile_xlsx_cells(client, office, bonn):
    rows = [
        HEADERS,
        ["A", 10**30, "Bonn", 1e308, 10**30, 1e308, "x"],
        ["B", True, "Bonn", datetime.datetime(1, 1, 1), datetime.date(1, 1, 1), -1e308, 5],
        ["C", "MSO", "Bonn", None, float("nan"), 3.5, None],
    ]
    run = check(office, xlsx_bytes(rows), name="x.xlsx")
    assert run.status == ImportRun.Status.CHECKED
    assert {p["row"] for p in run.problems} <= {2, 3, 4}
    client.force_login(office)
    assert client.get(run.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "post",
    [
        {"value_0": "a\x00b"},
        {"value_0": "x" * 10_000},
        {"value_999999999999999999999": "Stiftung"},
        {"drop_0": ["1", "2"], "value_0": ["a", "b"]},
        {},
    ],
)
def test_hostile_values_posts(client, office, bonn, post):
    run = kirche_run(office)
    client.force_login(office)
    assert client.post(url("run_values", run.pk), post).status_code in (200, 302)


def test_values_post_on_a_finished_run_is_refused(client, office, bonn):
    run = kirche_run(office)
    services.abandon(office, run)
    client.force_login(office)
    response = client.post(url("run_values", run.pk), {"value_0": "Stiftung"}, follow=True)
    assert response.status_code == 200
    assert not ValueMapping.objects.exists()


def test_other_coordinator_may_not_map(client, bonn_coordinator, kiel_coordinator, bonn):
    run = kirche_run(bonn_coordinator)
    client.force_login(kiel_coordinator)
    assert client.post(url("run_values", run.pk), {"value_0": "Stiftung"}).status_code == 403


def test_a_saved_mapping_can_be_changed(client, bonn_coordinator, bonn):
    map_all(bonn_coordinator, kirche_run(bonn_coordinator))
    run = kirche_run(bonn_coordinator)
    assert run.unknown_values == [] and run.mapped_values
    client.force_login(bonn_coordinator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert url("run_change_value", run.pk) in page
    response = client.post(
        url("run_change_value", run.pk),
        {"vocabulary": "organisation_kind", "key": "kirchengemeinde"},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert [v["value"] for v in run.unknown_values] == ["Kirchengemeinde"]
    assert not ValueMapping.objects.exists()
    # Mapped anew: to another kind.
    client.post(url("run_values", run.pk), {"value_0": "Stiftung"})
    run.refresh_from_db()
    assert run.can_commit
    assert ValueMapping.objects.get().target == "foundation"


@pytest.mark.parametrize(
    "post",
    [
        {},
        {"vocabulary": "nope", "key": "x"},
        {"vocabulary": "topic", "key": "a\x00" * 500},
        {"vocabulary": "topic", "key": "a\x00b"},
        {"vocabulary": ["topic", "country"], "key": "9" * 100},
    ],
)
def test_hostile_change_posts(client, office, bonn, post):
    run = kirche_run(office)
    client.force_login(office)
    assert client.post(url("run_change_value", run.pk), post).status_code == 302
