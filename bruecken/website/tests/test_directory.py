"""The public organisation directory and profiles: consented organisations only, the filters,
shareable addresses, htmx updates, a fixed number of queries, and consent withdrawn showing at
once, through the page cache too."""

import json
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from bruecken import fulltext
from bruecken.actors import services as actor_services
from bruecken.actors.filters import filter_organisations
from bruecken.actors.models import EngagementForm, Organisation, OrganisationKind, Topic
from bruecken.actors.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from bruecken.places.models import Country, Language
from bruecken.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def url(name, *args, language="de", query=""):
    with translation.override(language):
        return reverse(name, args=args) + query


def get(client, name, *args, language="de", query="", status=200, **headers):
    response = client.get(url(name, *args, language=language, query=query), headers=headers)
    assert response.status_code == status, response.status_code
    return response, response.content.decode()


def names(response):
    return [organisation.name for organisation in response.context["page"].object_list]


def option_values(html, field):
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def engaged(organisation, countries=(), topics=(), forms=(), languages=()):
    organisation.countries.set(Country.objects.filter(code__in=countries))
    organisation.topics.set(Topic.objects.filter(code__in=topics))
    organisation.engagement_forms.set(EngagementForm.objects.filter(code__in=forms))
    organisation.languages.set(Language.objects.filter(code__in=languages))
    return organisation


@pytest.fixture
def leipzig(reference_data):
    from bruecken.places.models import Municipality

    return Municipality.objects.get(ags="14713000")


@pytest.fixture
def registry(leipzig, bonn):
    """Published organisations in Leipzig and Bonn, and unpublished ones that share all their
    traits, so that every filter has something to leave out."""
    ethiopian = engaged(
        OrganisationFactory(
            name="Äthiopischer Verein Leipzig",
            municipality=leipzig,
            public=True,
            competences="Schulpartnerschaften und Brunnenbau",
        ),
        countries=["ET"],
        topics=["sdg-6"],
        forms=["aid-projects"],
        languages=["am", "de"],
    )
    ghanaian = engaged(
        OrganisationFactory(name="Ghanaischer Verein Bonn", municipality=bonn, public=True),
        countries=["GH"],
        topics=["sdg-4"],
        forms=["remittances"],
        languages=["tw"],
    )
    weltladen = engaged(
        OrganisationFactory(
            name="Weltladen Leipzig", municipality=leipzig, public=True, kind=OrganisationKind.NGO
        ),
        countries=["VN"],
        topics=["sdg-12"],
        forms=["fair-trade"],
        languages=["de"],
    )
    hidden = engaged(
        OrganisationFactory(
            name="Verborgener Verein Leipzig",
            municipality=leipzig,
            competences="Brunnenbau",
            kind=OrganisationKind.FOUNDATION,
        ),
        countries=["ET", "PE"],
        topics=["sdg-6", "sdg-1"],
        forms=["aid-projects", "knowledge-transfer"],
        languages=["am", "qu"],
    )
    return {"ethiopian": ethiopian, "ghanaian": ghanaian, "weltladen": weltladen, "hidden": hidden}


# The list and its filters


def test_lists_consented_organisations_only(client, registry):
    response, html = get(client, "website:directory")
    assert names(response) == [
        "Äthiopischer Verein Leipzig",
        "Ghanaischer Verein Bonn",
        "Weltladen Leipzig",
    ]
    assert "Verborgener Verein" not in html
    assert url("website:organisation", registry["ethiopian"].pk) in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=ET", ["Äthiopischer Verein Leipzig"]),
        ("region=002", ["Äthiopischer Verein Leipzig", "Ghanaischer Verein Bonn"]),
        ("topic=sdg-4", ["Ghanaischer Verein Bonn"]),
        ("form=aid-projects", ["Äthiopischer Verein Leipzig"]),
        ("language=de", ["Äthiopischer Verein Leipzig", "Weltladen Leipzig"]),
        ("kind=ngo", ["Weltladen Leipzig"]),
        ("kind=foundation", []),
        ("q=brunnenbau", ["Äthiopischer Verein Leipzig"]),
        ("q=BRUNNENBAU+schul", ["Äthiopischer Verein Leipzig"]),
        # A word inside a compound: "laden" in "Weltladen".
        ("q=laden", ["Weltladen Leipzig"]),
        ("country=PE", []),
        ("region=002&kind=migrant_organisation&language=am", ["Äthiopischer Verein Leipzig"]),
    ],
)
def test_filters(client, registry, query, expected):
    response, html = get(client, "website:directory", query=f"?{query}")
    assert names(response) == expected
    assert "Verborgener Verein" not in html


def test_filter_by_municipality(client, registry, leipzig):
    response, _html = get(client, "website:directory", query=f"?municipality={leipzig.pk}")
    assert names(response) == ["Äthiopischer Verein Leipzig", "Weltladen Leipzig"]


def test_find_a_migrant_organisation_engaged_in_ethiopia_in_both_languages(client, registry):
    query = "?kind=migrant_organisation&country=ET"
    response, html = get(client, "website:directory", query=query)
    assert names(response) == ["Äthiopischer Verein Leipzig"]
    assert "Äthiopien" in html
    response, html = get(client, "website:directory", query=query, language="en")
    assert names(response) == ["Äthiopischer Verein Leipzig"]
    assert "Ethiopia" in html
    assert "1 organisation found" in html


def test_select_lists_offer_what_published_organisations_have(client, registry, leipzig, bonn):
    _response, html = get(client, "website:directory")
    assert option_values(html, "region") == ["", "002", "142"]
    assert set(option_values(html, "topic")) == {"", "sdg-4", "sdg-6", "sdg-12"}
    assert set(option_values(html, "form")) == {"", "aid-projects", "remittances", "fair-trade"}
    assert option_values(html, "kind") == ["", "migrant_organisation", "ngo"]
    # Municipalities, countries and languages are many: typed and picked, the search (here
    # the step without JavaScript) offering those that occur.
    for name, typed, offered in [
        ("country", "äthi", ["ET"]),
        ("country", "ghan", ["GH"]),
        ("country", "peru", []),
        ("language", "amhar", ["am"]),
        ("language", "engl", []),
        ("municipality", "leip", [str(leipzig.pk)]),
        ("municipality", "bonn", [str(bonn.pk)]),
    ]:
        _response, html = get(client, "website:directory", query=f"?{name}__search={typed}")
        found = re.findall(rf'type="radio" name="{name}" value="([^"]+)"', html)
        assert sorted(value for value in found if value) == sorted(offered), (name, typed)


def test_the_pickers_search_what_occurs_by_their_sources_name(client, registry, leipzig):
    """The typing search asks the directory's own sources: no signed scope in the page, and
    the search offers what occurs among published organisations to anyone."""
    _response, html = get(client, "website:directory")
    urls = dict(
        (name, url.replace("&amp;", "&"))
        for url, name in re.findall(r'data-url="([^"]+)" data-name="([^"]+)"', html)
    )
    assert urls == {
        "municipality": reverse("picker", args=["directory-municipalities"]) + "?",
        "country": reverse("picker", args=["directory-countries"]) + "?key=code",
        "language": reverse("picker", args=["directory-languages"]) + "?key=code",
    }
    for url, typed, offered in [
        (urls["country"], "äthi", ["ET"]),
        (urls["country"], "peru", []),
        (urls["language"], "amhar", ["am"]),
        (urls["municipality"], "leip", [str(leipzig.pk)]),
    ]:
        found = client.get(f"{url}&q={typed}").json()["results"]
        assert [item["value"] for item in found] == offered, (url, typed)


def test_a_selected_value_stays_selected_though_nobody_has_it(client, registry):
    # E.g. a shared address from before the last organisation engaged in Peru withdrew.
    response, html = get(client, "website:directory", query="?country=PE&kind=foundation")
    assert names(response) == []
    assert 'name="country" value="PE" id="id_country-chosen-0" checked' in html
    assert '<option value="foundation" selected>' in html
    assert "Some filters were not valid" not in html


def test_invalid_filters_are_ignored_with_a_warning(client, registry):
    response, html = get(client, "website:directory", query="?country=XX&topic=ET", language="en")
    assert len(names(response)) == 3
    assert "Some filters were not valid and were ignored." in html


def test_no_staff_only_filter(client, registry):
    response, html = get(client, "website:directory", query="?public=no")
    assert 'name="public"' not in html
    assert "Verborgener Verein" not in html
    assert len(names(response)) == 3


def test_results_count_is_announced(client, registry):
    _response, html = get(client, "website:directory", query="?region=002", language="en")
    assert re.search(
        r'<p id="result-count" class="result-count" role="status">\s*2 organisations found', html
    )


def test_the_form_works_without_javascript(client, registry):
    _response, html = get(client, "website:directory")
    form = re.search(r"<form[^>]*>", html[html.index("<main") :]).group(0)
    assert 'method="get"' in form
    assert f'action="{url("website:directory")}"' in form
    assert "<button" in html and 'type="submit"' in html


def test_pagination(client, leipzig, settings):
    settings.ACTOR_LIST_PAGE_SIZE = 5
    for n in range(12):
        OrganisationFactory(name=f"Verein {n:02d}", municipality=leipzig, public=True)
    response, html = get(client, "website:directory", query="?kind=migrant_organisation&page=3")
    assert names(response) == ["Verein 10", "Verein 11"]
    assert "?kind=migrant_organisation&amp;page=2" in html
    response, _html = get(client, "website:directory", query="?page=99")
    assert names(response) == ["Verein 10", "Verein 11"]


def test_search_results_are_paged_in_the_order_of_relevance(client, leipzig, settings):
    settings.ACTOR_LIST_PAGE_SIZE = 5
    for n in range(6):
        OrganisationFactory(name=f"Kulturverein {n}", municipality=leipzig, public=True)
        OrganisationFactory(name=f"Verein {n}", municipality=leipzig, public=True)
    OrganisationFactory(name="Verein ohne Einwilligung", municipality=leipzig)
    fulltext.flush()
    # The order the search gives (best first, then by name), paged as the directory pages it.
    expected = [
        organisation.name
        for organisation in filter_organisations(Organisation.objects.public(), {"q": "verein"})
    ]
    assert len(expected) == 12 and expected[0].startswith("Verein ")
    found = []
    for number in (1, 2, 3):
        response, html = get(client, "website:directory", query=f"?q=verein&page={number}")
        found += names(response)
        assert "12 Organisationen gefunden" in html
    assert found == expected


def test_a_search_runs_once_for_the_count_and_the_page(client, registry):
    fulltext.flush()
    with CaptureQueriesContext(connection) as queries:
        _response, html = get(client, "website:directory", query="?q=verein&region=002")
    tables = (fulltext.DOCUMENT_TABLE, fulltext.FTS_TABLE, fulltext.PARTS_TABLE)
    searched = [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in tables)]
    assert len(searched) == 1, searched
    assert "2 Organisationen gefunden" in html and "Ghanaischer Verein Bonn" in html


def test_cards_show_countries_and_forms_of_engagement(client, registry):
    engaged(registry["ethiopian"], countries=["ET", "ER"], forms=["aid-projects", "remittances"])
    _response, html = get(client, "website:directory", query="?q=brunnenbau", language="en")
    card = html[html.index("Äthiopischer Verein Leipzig") :]
    card = card[: card.index("</li>")]
    # Countries by code, forms of engagement in their order, in the page's language.
    assert "Engaged in: Eritrea, Ethiopia</p>" in card
    assert re.search(r"Forms of engagement: [^<]*Aid projects[^<]*, [^<]*emittances", card), card


def test_htmx_gets_the_results_and_a_clean_address(client, registry):
    response, html = get(
        client,
        "website:directory",
        query="?q=&country=ET&region=&topic=",
        language="en",
        hx_request="true",
    )
    assert "<html" not in html
    assert "Äthiopischer Verein Leipzig" in html
    assert 'hx-swap-oob="innerHTML"' in html and "1 organisation found" in html
    assert response["HX-Push-Url"] == url("website:directory", language="en", query="?country=ET")
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, registry):
    _response, html = get(
        client,
        "website:directory",
        query="?country=ET",
        hx_request="true",
        hx_history_restore_request="true",
    )
    assert "<html" in html


def test_directory_queries_do_not_grow(client, registry, leipzig, django_assert_num_queries):
    query = f"?region=002&kind=migrant_organisation&municipality={leipzig.pk}&q=verein"

    def measure(**headers):
        # The rows made here wait to be indexed until a commit or a search: index them now.
        fulltext.flush()
        with CaptureQueriesContext(connection) as queries:
            get(client, "website:directory", query=query, **headers)
        return len(queries)

    small = measure()
    for n in range(30):
        engaged(
            OrganisationFactory(name=f"Verein {n}", municipality=leipzig, public=True),
            countries=["ET", "ER", "GH"],
            topics=["sdg-4", "sdg-5"],
            forms=["aid-projects", "remittances"],
            languages=["am", "ti", "de"],
        )
    assert measure() == small
    with django_assert_num_queries(small):
        get(client, "website:directory", query=query, language="en")
    assert measure(hx_request="true") <= small


# The profile


@pytest.fixture
def profile(registry, leipzig):
    organisation = registry["ethiopian"]
    organisation.description = "Wir fördern Schulen in Addis Abeba."
    organisation.website = "https://verein.example"
    organisation.email = "kontakt@verein.example"
    organisation.phone = "+49 341 1234567"
    organisation.address = "Karl-Liebknecht-Straße 1\n04107 Leipzig"
    organisation.founded = 1998
    organisation.save()
    MembershipFactory(
        organisation=organisation,
        person=PersonFactory(name="Selam Tesfaye", email="selam@mail.example", public=True),
        role="Vorsitz",
    )
    MembershipFactory(
        organisation=organisation,
        person=PersonFactory(name="Dawit Bekele", email="dawit@mail.example"),
        role="Kasse",
    )
    MembershipFactory(
        organisation=organisation,
        person=PersonFactory(name="Ehemals Mitglied", public=True),
        ended_on=date(2020, 1, 1),
    )
    return organisation


def test_profile_shows_the_public_profile(client, profile, leipzig):
    ProgramFactory(municipalities=[leipzig])
    _response, html = get(client, "website:organisation", profile.pk)
    assert "<h1>Äthiopischer Verein Leipzig" in html
    assert "Migrantenorganisation" in html or "migrant organisation" in html
    assert url("website:municipality", leipzig.pk) in html
    assert "Äthiopien (Afrika)" in html
    assert "Amharisch" in html
    assert "Schulpartnerschaften und Brunnenbau" in html
    assert "Wir fördern Schulen in Addis Abeba." in html
    assert '<a href="https://verein.example" rel="noopener">' in html
    assert "mailto:kontakt@verein.example" in html
    assert "+49 341 1234567" in html
    assert "Karl-Liebknecht-Straße 1<br>04107 Leipzig" in html
    assert "1998" in html
    _response, html = get(client, "website:organisation", profile.pk, language="en")
    assert "Ethiopia (Africa)" in html and "Amharic" in html


def test_profile_shows_members_with_consent_only_and_only_name_and_role(client, profile):
    _response, html = get(client, "website:organisation", profile.pk)
    assert "Selam Tesfaye – Vorsitz" in html
    assert "selam@mail.example" not in html
    assert "Dawit Bekele" not in html and "Kasse" not in html
    assert "Ehemals Mitglied" not in html


def test_profile_links_to_the_municipality_only_when_it_has_a_page(client, profile, leipzig):
    _response, html = get(client, "website:organisation", profile.pk)
    assert url("website:municipality", leipzig.pk) not in html
    assert "Leipzig" in html


def test_profile_structured_data_and_open_graph(client, profile, settings):
    settings.SITE_URL = "https://bruecken.example"
    _response, html = get(client, "website:organisation", profile.pk)
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "Organization"
    assert data["name"] == "Äthiopischer Verein Leipzig"
    assert data["url"].endswith(url("website:organisation", profile.pk).replace("/de/", "/", 1))
    assert data["foundingDate"] == "1998"
    assert 'property="og:title" content="Äthiopischer Verein Leipzig"' in html
    assert 'property="og:description" content="Wir fördern Schulen in Addis Abeba."' in html
    assert "<title>Äthiopischer Verein Leipzig · Brücken</title>" in html


def test_profile_without_consent_is_not_found(client, registry):
    get(client, "website:organisation", registry["hidden"].pk, status=404)
    get(client, "website:organisation", 999999, status=404)


def test_withdrawing_consent_removes_the_profile_at_once(client, registry, office):
    organisation = registry["ethiopian"]
    get(client, "website:organisation", organisation.pk)
    actor_services.withdraw_organisation_consent(office, organisation)
    get(client, "website:organisation", organisation.pk, status=404)
    response, _html = get(client, "website:directory", query="?country=ET")
    assert names(response) == []


# The page cache


def test_withdrawn_consent_leaves_the_cached_directory_at_once(
    client, settings, registry, office, django_capture_on_commit_callbacks
):
    settings.WEBSITE_CACHE_SECONDS = 600
    organisation = registry["ethiopian"]
    for query in ("", "?country=ET"):
        _response, html = get(client, "website:directory", query=query)
        assert "Äthiopischer Verein Leipzig" in html
    get(client, "website:organisation", organisation.pk)
    # Served from the cache now: one query, for the content version.
    with CaptureQueriesContext(connection) as queries:
        get(client, "website:directory", query="?country=ET")
    assert len(queries) == 1

    with django_capture_on_commit_callbacks(execute=True):
        actor_services.withdraw_organisation_consent(office, organisation)

    for query in ("", "?country=ET"):
        _response, html = get(client, "website:directory", query=query)
        assert "Äthiopischer Verein Leipzig" not in html
    get(client, "website:organisation", organisation.pk, status=404)


def test_htmx_results_are_never_served_as_the_cached_page(client, settings, registry):
    settings.WEBSITE_CACHE_SECONDS = 600
    _response, partial = get(client, "website:directory", query="?country=ET", hx_request="true")
    assert "<html" not in partial
    _response, html = get(client, "website:directory", query="?country=ET")
    assert "<html" in html
    with CaptureQueriesContext(connection) as queries:
        get(client, "website:directory", query="?country=ET")
    assert len(queries) == 1


def test_consent_given_later_shows_after_the_change(
    client, settings, registry, office, django_capture_on_commit_callbacks
):
    settings.WEBSITE_CACHE_SECONDS = 600
    hidden = registry["hidden"]
    _response, html = get(client, "website:directory")
    assert "Verborgener Verein" not in html
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.give_organisation_consent(office, hidden, "Vorstand", timezone.now())
    _response, html = get(client, "website:directory")
    assert "Verborgener Verein" in html
