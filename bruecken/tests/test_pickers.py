"""The one type-ahead picker: its markup (the ARIA combobox), the search view scoped by what the
user may see, the fields that take only ids from their scope, and the search step without
JavaScript."""

import json
import re

import pytest
from django import forms
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bruecken import pickers
from bruecken.actors.models import Membership, Organisation, Person
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.places.models import Municipality
from bruecken.places.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def search(client, source, query="", **params):
    response = client.get(reverse("picker", args=[source]), {"q": query, **params})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return json.loads(response.content)


@pytest.fixture
def organisations(bonn, kiel):
    return {
        "bonn_public": OrganisationFactory(
            name="Äthiopischer Verein Bonn", municipality=bonn, consent_given_at=timezone.now()
        ),
        "bonn_private": OrganisationFactory(
            name="Äthiopische Gemeinde Bonn", municipality=bonn, consent_given_at=None
        ),
        "kiel_private": OrganisationFactory(
            name="Äthiopisches Forum Kiel", municipality=kiel, consent_given_at=None
        ),
    }


class Form(forms.Form):
    one = pickers.PickerField(Municipality.objects.all(), source="municipalities", label="Ort")
    several = pickers.PickerMultipleField(
        Municipality.objects.all(), source="municipalities", required=False, label="Orte"
    )


# The widget


def test_renders_the_aria_combobox(bonn):
    html = str(Form(initial={"several": [bonn]})["several"])
    combobox = re.search(r"<input[^>]*role=\"combobox\"[^>]*>", html).group(0)
    for attribute in (
        'id="id_several"',
        'name="several__search"',
        'aria-autocomplete="list"',
        'aria-expanded="false"',
        'aria-controls="id_several-listbox"',
        'autocomplete="off"',
    ):
        assert attribute in combobox
    assert '<ul id="id_several-listbox" role="listbox" aria-label="Orte"' in html
    assert 'role="status"' in html
    assert "data-multiple" in html
    # The chosen row is a ticked box (untick to remove; the script makes it a chip).
    assert f'type="checkbox" name="several" value="{bonn.pk}"' in html
    assert "Bonn" in html and "05314000" in html
    # No search text yet: no search step.
    assert "picker-matches" not in html
    assert 'name="picker_search" value="several"' in html
    assert "<select" not in html


def test_a_required_picker_sets_no_required_attribute_and_carries_the_error(bonn):
    form = Form({"one": ""})
    assert not form.is_valid()
    html = str(form["one"])
    assert "required" not in re.search(r"<input[^>]*combobox[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in html


def test_a_disabled_picker_shows_its_choice_only(bonn):
    form = Form(initial={"one": bonn.pk})
    form.fields["one"].disabled = True
    html = str(form["one"])
    assert 'value="Bonn" disabled' in html
    assert "combobox" not in html


# The search view


def test_finds_by_folded_name_with_a_hint(client, office, organisations):
    client.force_login(office)
    data = search(client, "organisations", "athiop")
    labels = [row["label"] for row in data["results"]]
    assert sorted(labels) == sorted(o.name for o in organisations.values())
    row = data["results"][0]
    assert set(row) == {"value", "label", "hint"}
    assert "Bonn" in row["hint"] or "Kiel" in row["hint"]


def test_scoped_by_what_the_user_may_see(client, kiel_coordinator, organisations):
    """Kiel's coordinator: Kiel's own and public ones, never Bonn's non-public organisation."""
    client.force_login(kiel_coordinator)
    found = {row["label"] for row in search(client, "organisations", "athiop")["results"]}
    assert found == {"Äthiopischer Verein Bonn", "Äthiopisches Forum Kiel"}
    anonymous = search(Client(), "organisations", "athiop")["results"]
    assert [row["label"] for row in anonymous] == ["Äthiopischer Verein Bonn"]


def test_a_word_inside_a_compound_name(client, office, bonn):
    OrganisationFactory(name="Äthiopischer Frauenverein", municipality=bonn)
    OrganisationFactory(name="Kulturverein Bonn", municipality=bonn)
    OrganisationFactory(name="Verein der Freunde", municipality=bonn)
    client.force_login(office)
    labels = [row["label"] for row in search(client, "organisations", "verein")["results"]]
    assert labels[0] == "Verein der Freunde"
    assert sorted(labels[1:]) == ["Kulturverein Bonn", "Äthiopischer Frauenverein"]


def test_people_scoped_too(client, kiel_coordinator, bonn, kiel):
    PersonFactory(name="Amina Kieler", municipality=kiel, consent_given_at=None)
    PersonFactory(name="Amina Bonner", municipality=bonn, consent_given_at=None)
    client.force_login(kiel_coordinator)
    assert [row["label"] for row in search(client, "people", "ami")["results"]] == ["Amina Kieler"]


def test_at_most_the_limit_and_says_there_are_more(client, office, bonn):
    MunicipalityFactory.create_batch(pickers.LIMIT + 3, name=factory_name("Neustadt"))
    client.force_login(office)
    data = search(client, "municipalities", "neust")
    assert len(data["results"]) == pickers.LIMIT and data["more"] is True


def factory_name(stem):
    from factory import Sequence

    return Sequence(lambda n: f"{stem} {n}")


def test_countries_by_code_and_either_language(client, reference_data):
    data = search(client, "countries", "äthiop", key="code")
    assert data["results"][0]["value"] == "ET"
    assert search(client, "countries", "Ethiop", key="code")["results"][0]["value"] == "ET"
    # An unknown key is the id.
    row = search(client, "countries", "ET", key="password")["results"][0]
    assert row["value"].isdigit()


@pytest.mark.parametrize(
    "query",
    ["q=%00%00", "q=" + "x" * 10_000, "q=%ff%fe", "q=a&q=b", "q=%E2%80%AE", "scope=%00&q=a"],
)
def test_hostile_queries_answer_calmly(client, office, organisations, query):
    client.force_login(office)
    response = client.get(reverse("picker", args=["organisations"]) + "?" + query)
    assert response.status_code == 200
    assert isinstance(json.loads(response.content)["results"], list)


def test_an_unknown_source_is_not_found(client):
    assert client.get(reverse("picker", args=["passwords"]), {"q": "a"}).status_code == 404


@pytest.mark.parametrize("who", ["office", "bonn_coordinator"])
@pytest.mark.parametrize("source", ["organisations", "people", "municipalities", "countries"])
def test_a_constant_number_of_queries(
    client, request, who, source, bonn, reference_data, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    OrganisationFactory.create_batch(2, municipality=bonn, name=factory_name("Verein"))
    PersonFactory.create_batch(2, municipality=bonn, name=factory_name("Vera"))
    with CaptureQueriesContext(connection) as few:
        search(client, source, "ve")
    OrganisationFactory.create_batch(25, municipality=bonn, name=factory_name("Verein"))
    PersonFactory.create_batch(25, municipality=bonn, name=factory_name("Vera"))
    MunicipalityFactory.create_batch(25, name=factory_name("Vech"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        search(client, source, "ve")


def test_the_forms_scope_narrows_the_search(client, office, bonn, kiel, organisations):
    """A form's narrower queryset (here: Bonn's only) travels signed; tampered, it is ignored;
    another user's scope never shows more than they may see."""
    field = pickers.PickerField(
        Organisation.objects.filter(municipality=bonn), source="organisations"
    )
    query = field.url_query()
    assert "scope=" in query
    client.force_login(office)
    url = reverse("picker", args=["organisations"]) + "?" + query
    found = {row["label"] for row in client.get(url + "&q=athiop").json()["results"]}
    assert found == {"Äthiopischer Verein Bonn", "Äthiopische Gemeinde Bonn"}
    tampered = url.replace("scope=", "scope=x")
    assert len(client.get(tampered + "&q=athiop").json()["results"]) == 3
    # Kiel's coordinator with the office's token for Bonn: still only what they may see.
    stranger = Client()
    from bruecken.accounts.models import Role
    from bruecken.accounts.tests.factories import user_with_role

    stranger.force_login(user_with_role(Role.COORDINATOR, municipality=kiel))
    found = {row["label"] for row in stranger.get(url + "&q=athiop").json()["results"]}
    assert found == {"Äthiopischer Verein Bonn"}


# The fields and the search step without JavaScript


def test_an_id_from_another_scope_is_a_form_error(client, kiel_coordinator, kiel, bonn):
    organisation = OrganisationFactory(municipality=kiel)
    bonn_person = PersonFactory(municipality=bonn, consent_given_at=None)
    client.force_login(kiel_coordinator)
    address = reverse("actors:membership_add", args=[organisation.pk])
    for value in (bonn_person.pk, "99999999999999999999", "\x00", "x" * 10_000, "-1"):
        response = client.post(address, {"person": value})
        assert response.status_code == 200, value
        assert 'class="error-summary"' in response.content.decode()
    assert not Membership.objects.exists()


def test_many_ids_from_another_scope_are_a_form_error(bonn, kiel):
    class Countries(forms.Form):
        places = pickers.PickerMultipleField(
            Municipality.objects.filter(pk=kiel.pk), source="municipalities"
        )

    assert not Countries({"places": [kiel.pk, bonn.pk]}).is_valid()
    assert not Countries({"places": ["1"] * (pickers.MAX_CHOSEN + 1)}).is_valid()
    assert not Countries({"places": ["\x00"]}).is_valid()
    form = Countries({"places": [kiel.pk]})
    assert form.is_valid() and list(form.cleaned_data["places"]) == [kiel]


def test_without_javascript_a_search_step_then_the_choice(client, bonn_coordinator, bonn):
    organisation = OrganisationFactory(municipality=bonn)
    amina = PersonFactory(name="Amina Müller", municipality=bonn)
    PersonFactory(name="Jonas Schmidt", municipality=bonn)
    client.force_login(bonn_coordinator)
    address = reverse("actors:membership_add", args=[organisation.pk])
    step = client.post(address, {"person__search": "mül", "picker_search": "person"})
    assert step.status_code == 200
    html = step.content.decode()
    assert "picker-matches" in html
    assert f'type="radio" name="person" value="{amina.pk}"' in html
    assert "Jonas" not in html
    # The search text is not sent again with the choice.
    assert 'name="person__search" value=""' in html
    assert not Membership.objects.exists()
    response = client.post(address, {"person": amina.pk, "person__search": ""})
    assert response.status_code == 302
    assert Membership.objects.get().person == amina


def test_a_search_without_matches_says_so(client, bonn_coordinator, bonn):
    organisation = OrganisationFactory(municipality=bonn)
    client.force_login(bonn_coordinator)
    address = reverse("actors:membership_add", args=[organisation.pk])
    html = client.post(address, {"person__search": "zzzz"}).content.decode()
    assert "zzzz" in html and "picker-matches" in html


def test_filter_lists_keep_readable_codes(client, bonn_coordinator, bonn, reference_data):
    client.force_login(bonn_coordinator)
    response = client.get(reverse("actors:organisation_list"), {"country": "GH"})
    html = response.content.decode()
    assert 'name="country" value="GH" id="id_country-chosen-0" checked' in html


def test_people_source_registered_with_its_model():
    assert pickers.source("people").model is Person


def test_names_that_start_with_the_text_come_first(client, reference_data):
    """Ghana before Afghanistan for "Ghan"; "Bonn" before a name that holds it."""
    assert search(client, "countries", "Ghan", key="code")["results"][0]["value"] == "GH"
    MunicipalityFactory(name="Abonnenten", ags="05999999")
    MunicipalityFactory(name="Bonn", ags="05314000")
    assert [row["label"] for row in search(client, "municipalities", "bonn")["results"]] == [
        "Bonn",
        "Abonnenten",
    ]


def test_a_part_of_a_source_searches_and_shows_its_rows_alike(client, bonn, kiel):
    """`register_part`: the rows of another source, narrowed for everyone, found by its search,
    shown with its labels; a field offering them names the source instead of a signed scope."""
    pickers.register_part(
        "test-kiel-only",
        of="municipalities",
        objects=lambda user: Municipality.objects.filter(pk=kiel.pk),
    )
    try:
        part, whole = pickers.source("test-kiel-only"), pickers.source("municipalities")
        assert (part.search, part.label, part.hint, part.keys) == (
            whole.search,
            whole.label,
            whole.hint,
            whole.keys,
        )
        assert search(client, "test-kiel-only", "kiel")["results"][0]["value"] == str(kiel.pk)
        assert search(client, "test-kiel-only", "bonn")["results"] == []
        field = pickers.PickerField(Municipality.objects.all(), source="test-kiel-only")
        field.offered = pickers.SOURCE_ROWS
        assert "scope" not in field.url_query()
        assert [item["value"] for item in field.matches("bonn")[0]] == []
        assert [item["value"] for item in field.matches("kiel")[0]] == [str(kiel.pk)]
        # Any municipality still validates.
        assert field.clean(str(bonn.pk)) == bonn
    finally:
        del pickers.SOURCES["test-kiel-only"]
