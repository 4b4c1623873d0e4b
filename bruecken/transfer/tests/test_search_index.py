"""The bulk import writes rows without save(): it keeps the full-text index itself."""

import pytest
from django.utils import translation

from bruecken import fulltext
from bruecken.actors.models import Organisation, Person
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.transfer import services

from .conftest import check, csv_bytes

pytestmark = pytest.mark.usefixtures("reference_data")

PEOPLE = "Name;E-Mail;Kommune;Entscheidungsträger;Sprachen\r\n"


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def indexed_only():
    """Searches see what the import indexed, not what a save() queued."""
    fulltext.discard_pending()


def test_imported_organisations_are_found(office, bonn):
    existing = OrganisationFactory(name="Alter Name", municipality=bonn)
    fulltext.flush()
    data = csv_bytes(
        [
            "Äthiopischer Verein Leipzig;MSO;Bonn;ET;1995;info@verein.example",
            "Alter Name;MSO;Bonn;GH;;",
        ]
    )
    run = check(office, data, on_duplicate="update")
    services.commit(office, run)
    indexed_only()
    assert [o.name for o in Organisation.objects.search("aethiopisch")] == [
        "Äthiopischer Verein Leipzig"
    ]
    assert [o.name for o in Organisation.objects.search("Ethiopia")] == [
        "Äthiopischer Verein Leipzig"
    ]
    # The update replaced the countries: the index follows.
    assert [o.pk for o in Organisation.objects.search("Ghana")] == [existing.pk]


def test_imported_people_are_found(office, bonn):
    data = csv_bytes(["Kwame Owusu;kwame@example.org;Bonn;nein;de, tw"], header=PEOPLE)
    run = check(office, data, kind="people")
    assert run.problem_count == 0, run.problems
    services.commit(office, run)
    indexed_only()
    assert [p.name for p in Person.objects.search("owusu")] == ["Kwame Owusu"]
    assert [p.name for p in Person.objects.search("Twi")] == ["Kwame Owusu"]
