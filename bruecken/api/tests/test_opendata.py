import csv
import io

from bruecken.actors.tests.factories import OrganisationFactory


def test_popolo_holds_public_data_only(anonymous, world):
    response = anonymous.get("/open-data/popolo.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    data = response.json()
    assert [o["name"] for o in data["organizations"]] == ["Bonn Public e.V.", "Kiel Public e.V."]
    assert [p["name"] for p in data["persons"]] == ["Amina Public"]
    assert data["memberships"] == [
        {
            "id": f"membership-{world.public_membership.pk}",
            "person_id": f"person-{world.public_person.pk}",
            "organization_id": f"organisation-{world.bonn_public.pk}",
            "role": "Vorsitz",
        }
    ]
    bonn = data["organizations"][0]
    assert bonn["classification"] == "migrant_organisation"
    assert bonn["area_id"] in {area["id"] for area in data["areas"]}
    assert {"type": "email", "value": world.bonn_public.email} in bonn["contact_details"] or (
        not world.bonn_public.email
    )


def test_token_readers_get_the_same_open_data(anonymous, office_api, world):
    assert (
        office_api.get("/open-data/popolo.json").content
        == anonymous.get("/open-data/popolo.json").content
    )


def test_csv_files(anonymous, world):
    response = anonymous.get("/open-data/organisations.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="organisations.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in rows] == ["Bonn Public e.V.", "Kiel Public e.V."]
    persons = list(
        csv.DictReader(io.StringIO(anonymous.get("/open-data/persons.csv").content.decode()))
    )
    assert persons == [{"id": str(world.public_person.pk), "name": "Amina Public"}]
    memberships = list(
        csv.DictReader(io.StringIO(anonymous.get("/open-data/memberships.csv").content.decode()))
    )
    assert [(m["person_id"], m["organisation_id"], m["role"]) for m in memberships] == [
        (str(world.public_person.pk), str(world.bonn_public.pk), "Vorsitz")
    ]


def test_csv_cells_cannot_be_formulas(anonymous, bonn):
    OrganisationFactory(name="=HYPERLINK(1)", municipality=bonn, public=True, competences="+1")
    rows = list(
        csv.DictReader(io.StringIO(anonymous.get("/open-data/organisations.csv").content.decode()))
    )
    assert rows[0]["name"] == "'=HYPERLINK(1)" and rows[0]["competences"] == "'+1"


def test_open_data_is_cached_per_content_version(
    anonymous, bonn, django_assert_max_num_queries, django_capture_on_commit_callbacks, page_cache
):
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(name="Erste", municipality=bonn, public=True)
    anonymous.get("/open-data/popolo.json")
    with django_assert_max_num_queries(1):  # the content version
        assert "Erste" in anonymous.get("/open-data/popolo.json").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(name="Zweite", municipality=bonn, public=True)
    assert "Zweite" in anonymous.get("/open-data/popolo.json").content.decode()
