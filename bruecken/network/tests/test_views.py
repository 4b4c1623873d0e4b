import csv
import datetime
import io
import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import Organisation, OrganisationKind, Tie, TieKind
from bruecken.actors.tests.factories import OrganisationFactory, TieFactory
from bruecken.cache import bump
from bruecken.events.tests.factories import EventFactory
from bruecken.network.groups import GROUP_ORDER
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory

from .conftest import BEFORE, WORKSHOP, days

pytestmark = pytest.mark.django_db


PRIVATE_BONN_NAMES = ["Geheimer Verein", "Stadtverwaltung Bonn Intern", "Bonner Privat-NGO"]


@pytest.fixture(autouse=True)
def german():
    # Addresses and texts in German, whatever language an earlier test left active.
    with translation.override("de"):
        yield


def program_url(world, name="network:program", *args):
    return reverse(name, args=[world["program"].pk, *args])


def municipality_url(world, name="network:municipality", *args, language="de"):
    # The address in one language whatever an earlier test left active.
    with translation.override(language):
        return reverse(name, args=[world["bonn"].pk, *args])


# Who may open what


@pytest.mark.parametrize(
    ("user", "program_status", "bonn_status"),
    [
        ("office", 200, 200),
        ("bonn_coordinator", 200, 200),
        ("kiel_coordinator", 200, 403),
        ("bonn_facilitator", 200, 200),
        ("participant", 403, 403),
    ],
)
def test_status_by_role(client, world, request, user, program_status, bonn_status):
    client.force_login(request.getfixturevalue(user))
    for name, suffix in (("", ()), ("_data", ())):
        assert client.get(program_url(world, f"network:program{name}", *suffix)).status_code == (
            program_status
        )
        assert client.get(
            municipality_url(world, f"network:municipality{name}", *suffix)
        ).status_code == (bonn_status)
    assert client.get(program_url(world, "network:program_export", "gexf")).status_code == (
        program_status
    )
    assert client.get(
        municipality_url(world, "network:municipality_export", "gexf")
    ).status_code == (bonn_status)


def test_representative_may_not_open_the_network(client, world):
    client.force_login(user_with_role(Role.REPRESENTATIVE, organisation=world["m1"]))
    assert client.get(municipality_url(world)).status_code == 403
    assert client.get(program_url(world, "network:program_data")).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(program_url(world))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_unknown_scopes_are_not_found(client, office):
    client.force_login(office)
    for name in ("network:program", "network:municipality", "network:program_data"):
        assert client.get(reverse(name, args=[999999])).status_code == 404
    assert client.get(
        reverse("network:municipality_export", args=[999999, "gexf"])
    ).status_code == (404)


# The figures


def ei_cell(response):
    return response.context["summary"]["ei_index"]


def test_ei_index_before_and_after_the_workshop(client, office, world):
    client.force_login(office)
    before = client.get(municipality_url(world), {"until": BEFORE.isoformat()})
    # Before: one tie within each side, none across.
    assert before.context["summary"]["edges"] == 2
    assert ei_cell(before) == -1
    after = client.get(municipality_url(world), {"until": days(10).isoformat()})
    # After: two within, two across.
    assert after.context["summary"]["edges_across"] == 2
    assert ei_cell(after) == 0
    assert after.context["new_ties"]["count"] == 2
    assert after.context["new_ties"]["baseline"] == BEFORE.isoformat()
    html = after.content.decode()
    # German number format: the page is in German.
    assert '<td class="network-ei">0,000</td>' in html


def test_the_workshop_date_select_wins_over_the_free_date(client, office, world):
    client.force_login(office)
    response = client.get(
        municipality_url(world),
        {"snapshot": BEFORE.isoformat(), "until": days(10).isoformat()},
    )
    assert response.context["until"] == BEFORE
    assert ei_cell(response) == -1


def test_default_date_is_today(client, office, world):
    client.force_login(office)
    response = client.get(municipality_url(world))
    assert response.context["until"] == timezone.localdate()
    assert response.context["summary"]["edges"] == 4


def test_figures_over_time_one_row_per_snapshot_date(client, office, world):
    client.force_login(office)
    response = client.get(municipality_url(world))
    rows = response.context["over_time"]
    assert [row["date"] for row in rows] == [BEFORE.isoformat(), WORKSHOP.isoformat()]
    assert [row["ei_index"] for row in rows] == [-1, -1]
    assert [row["ties"] for row in rows] == [2, 2]
    html = response.content.decode()
    data = json.loads(
        html.split('<script id="network-chart-data" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    assert data == rows
    assert '<canvas id="network-chart"' in html
    assert (
        f'data-src="{reverse("network:municipality_data", args=[world["bonn"].pk])}?until=' in html
    )
    assert 'src="/static/network/network.js" type="module"' in html


def test_group_matrix_shows_the_aimed_pairs(client, office, world):
    client.force_login(office)
    response = client.get(municipality_url(world))
    matrix = response.context["matrix"]
    aims = {a["pair"]: a["count"] for a in matrix["aims"]}
    assert aims == {
        ("migrant_organisations", "administration"): 1,
        ("migrant_organisations", "ngos"): 1,
        ("migrant_organisations", "other_institutions"): 0,
    }
    migrant_row = matrix["rows"][GROUP_ORDER.index("migrant_organisations")]["cells"]
    assert [cell["aimed"] for cell in migrant_row] == [False, True, True, True]
    assert [cell["count"] for cell in migrant_row] == [1, 1, 1, 0]
    # The page is in German; the state is said in words, not by colour.
    assert "angestrebt, noch nicht" in response.content.decode() or (
        "aimed, not yet" in response.content.decode()
    )


def test_filters_by_kind_and_group(client, office, world):
    client.force_login(office)
    joint_only = client.get(municipality_url(world), {"kinds": "coattendance"})
    assert joint_only.context["summary"]["edges"] == 0
    migrants = client.get(municipality_url(world), {"group": "migrant_organisations"})
    assert migrants.context["summary"]["nodes"] == 2
    assert migrants.context["summary"]["edges"] == 1


def test_program_network_filtered_to_a_municipality(client, office, world):
    client.force_login(office)
    whole = client.get(program_url(world))
    assert whole.context["summary"]["nodes"] == 5
    kiel = client.get(program_url(world), {"municipality": world["kiel"].pk})
    assert kiel.context["summary"]["nodes"] == 1
    assert kiel.context["over_time"] == []


def test_brokers_and_betweenness_state_the_sampling(client, office, world):
    client.force_login(office)
    response = client.get(municipality_url(world, language="en"))
    assert response.context["betweenness"]["sampled"] is False
    assert "Computed exactly from all nodes." in response.content.decode()
    # The four organisations form a cycle: each links both sides.
    assert len(response.context["brokers"]) == 4


def test_tables_of_nodes_and_ties(client, office, world):
    client.force_login(office)
    response = client.get(municipality_url(world, language="en"))
    nodes = list(response.context["nodes"])
    assert {row["label"] for row in nodes} == {
        "Afrika Forum Bonn",
        *PRIVATE_BONN_NAMES,
    }
    assert all(row["degree"] == 2 and row["ei_index"] == 0 for row in nodes)
    ties = list(response.context["ties"])
    assert [row["first"] for row in ties] == [days(-20), days(-10), days(5), days(6)]
    assert ties[0]["kinds"] == "recorded ties"


def test_tables_are_paginated(client, office, bonn):
    program = ProgramFactory(municipalities=[bonn])
    hub = OrganisationFactory(municipality=bonn, kind=OrganisationKind.NGO)
    for _ in range(60):
        TieFactory(source=hub, target=OrganisationFactory(municipality=bonn))
    client.force_login(office)
    url = reverse("network:program", args=[program.pk])
    first = client.get(url)
    assert len(first.context["nodes"]) == 50
    assert len(first.context["ties"]) == 50
    second = client.get(url, {"nodes_page": 2, "ties_page": 2})
    assert len(second.context["nodes"]) == 11
    assert len(second.context["ties"]) == 10
    assert "ties_page=2" in first.content.decode()


# The data the browser draws


def test_json_shape(client, office, world):
    client.force_login(office)
    response = client.get(municipality_url(world, "network:municipality_data"))
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"nodes", "edges", "dates", "groups", "sides", "until", "min_workshops"}
    assert data["until"] == timezone.localdate().isoformat()
    assert data["dates"] == [BEFORE.isoformat(), WORKSHOP.isoformat()]
    assert set(data["groups"]) == set(GROUP_ORDER)
    assert set(data["sides"]) == {"migrant", "municipal"}
    assert len(data["nodes"]) == 4
    for node in data["nodes"]:
        assert set(node) == {
            "id",
            "label",
            "group",
            "side",
            "x",
            "y",
            "degree",
            "labelled",
            "url",
        }
        assert -1 <= node["x"] <= 1 and -1 <= node["y"] <= 1
        assert node["degree"] == 2
    by_label = {node["label"]: node for node in data["nodes"]}
    m1 = by_label["Afrika Forum Bonn"]
    assert m1["url"] == reverse("actors:organisation_detail", args=[world["m1"].pk])
    assert (m1["group"], m1["side"]) == ("migrant_organisations", "migrant")
    assert len(data["edges"]) == 4
    edge = next(e for e in data["edges"] if e["first"] == days(6).isoformat())
    ends = {data["nodes"][edge["source"]]["label"], data["nodes"][edge["target"]]["label"]}
    assert ends == {"Geheimer Verein", "Bonner Privat-NGO"}
    assert edge["kinds"] == ["tie"]
    assert edge["weight"] == 1


def test_json_cut_at_a_date_keeps_positions(client, office, world):
    client.force_login(office)
    url = municipality_url(world, "network:municipality_data")
    now = client.get(url).json()
    before = client.get(url, {"until": BEFORE.isoformat()}).json()
    assert len(before["edges"]) == 2
    assert [(n["x"], n["y"]) for n in before["nodes"]] == [(n["x"], n["y"]) for n in now["nodes"]]


def test_json_in_english_has_english_group_labels(client, office, world):
    client.force_login(office)
    with translation.override("de"):
        url = reverse("network:municipality_data", args=[world["bonn"].pk])
    german = client.get(url).json()
    english = client.get("/en/" + url[len("/de/") :]).json()
    assert german["groups"]["migrant_organisations"] == "Migrantenorganisationen"
    assert english["groups"]["migrant_organisations"] == "migrant organisations"


# Anonymisation: the Kiel coordinator in the program network


def test_kiel_coordinator_sees_bonns_private_organisations_anonymised_in_the_json(
    client, kiel_coordinator, world
):
    client.force_login(kiel_coordinator)
    response = client.get(program_url(world, "network:program_data"))
    text = response.content.decode()
    for name in PRIVATE_BONN_NAMES:
        assert name not in text
    nodes = response.json()["nodes"]
    by_label = {node["label"]: node for node in nodes}
    assert by_label["Afrika Forum Bonn"]["url"] is not None
    assert by_label["Kieler Eine Welt"]["url"] == reverse(
        "actors:organisation_detail", args=[world["kiel_ngo"].pk]
    )
    hidden = [
        node for node in nodes if node["label"] not in ("Afrika Forum Bonn", "Kieler Eine Welt")
    ]
    assert len(hidden) == 3
    assert all(node["url"] is None for node in hidden)


def test_kiel_coordinator_sees_bonns_private_organisations_anonymised_in_the_tables(
    client, kiel_coordinator, world
):
    client.force_login(kiel_coordinator)
    response = client.get(program_url(world))
    text = response.content.decode()
    for name in PRIVATE_BONN_NAMES:
        assert name not in text
    assert "Afrika Forum Bonn" in text
    assert "(nicht öffentlich)" in text or "(not public)" in text


@pytest.mark.parametrize("format", ["gexf", "graphml", "nodes.csv", "edges.csv"])
def test_kiel_coordinator_exports_are_anonymised(client, kiel_coordinator, world, format):
    client.force_login(kiel_coordinator)
    response = client.get(program_url(world, "network:program_export", format))
    assert response.status_code == 200
    body = response.content.decode()
    for name in PRIVATE_BONN_NAMES:
        assert name not in body
    if format != "edges.csv":  # edges name their ends by number only
        assert "Afrika Forum Bonn" in body
    for key in ("m2", "admin", "ngo"):
        assert f'organisation_id">{world[key].pk}<' not in body


def test_bonn_coordinator_sees_bonns_names(client, bonn_coordinator, world):
    client.force_login(bonn_coordinator)
    body = client.get(program_url(world, "network:program_export", "nodes.csv")).content.decode()
    for name in PRIVATE_BONN_NAMES:
        assert name in body


# Exports


@pytest.mark.parametrize(
    ("format", "content_type"),
    [
        ("gexf", "application/gexf+xml"),
        ("graphml", "application/graphml+xml"),
        ("nodes.csv", "text/csv; charset=utf-8"),
        ("edges.csv", "text/csv; charset=utf-8"),
    ],
)
def test_export_content_types_and_attachment(client, office, world, format, content_type):
    client.force_login(office)
    response = client.get(
        municipality_url(world, "network:municipality_export", format),
        {"until": BEFORE.isoformat()},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"{BEFORE.isoformat()}.{format}" in disposition


def test_export_follows_the_date(client, office, world):
    client.force_login(office)
    response = client.get(
        municipality_url(world, "network:municipality_export", "edges.csv"),
        {"until": BEFORE.isoformat()},
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2


def test_gexf_export_opens_in_a_gexf_reader(client, office, world):
    import networkx

    client.force_login(office)
    response = client.get(municipality_url(world, "network:municipality_export", "gexf"))
    graph = networkx.read_gexf(io.BytesIO(response.content))
    assert graph.number_of_nodes() == 4
    assert graph.number_of_edges() == 4


def test_export_links_on_the_page(client, office, world):
    client.force_login(office)
    html = client.get(municipality_url(world)).content.decode()
    for format in ("gexf", "graphml", "nodes.csv", "edges.csv"):
        assert reverse("network:municipality_export", args=[world["bonn"].pk, format]) in html


def test_unknown_export_format(client, office, world):
    client.force_login(office)
    response = client.get(municipality_url(world, "network:municipality_export", "pdf"))
    assert response.status_code == 404
    assert "gexf" in response.content.decode()


# Bad input


@pytest.mark.parametrize(
    "query",
    [
        {"until": "2026-13-45"},
        {"until": "gestern"},
        {"snapshot": "2020-01-01"},
        {"kinds": "friendship"},
        {"group": "aliens"},
    ],
)
def test_bad_input_is_a_bad_request_with_a_message(client, office, world, query):
    client.force_login(office)
    page = client.get(municipality_url(world), query)
    assert page.status_code == 400
    assert 'class="error-summary"' in page.content.decode()
    data = client.get(municipality_url(world, "network:municipality_data"), query)
    assert data.status_code == 400
    assert data.json()["errors"]
    export = client.get(municipality_url(world, "network:municipality_export", "gexf"), query)
    assert export.status_code == 400
    assert export.content


def test_malformed_date_message(client, office, world):
    client.force_login(office)
    response = client.get(municipality_url(world, "network:municipality_data"), {"until": "24.11."})
    assert "YYYY-MM-DD" in json.dumps(response.json()["errors"]["until"]) or "JJJJ-MM-TT" in (
        json.dumps(response.json()["errors"]["until"], ensure_ascii=False)
    )


def test_unknown_municipality_in_program_filter(client, office, world):
    client.force_login(office)
    response = client.get(program_url(world), {"municipality": 999999})
    assert response.status_code == 400
    response = client.get(program_url(world), {"municipality": "x"})
    assert response.status_code == 400


def test_page_with_no_organisations(client, office, bonn):
    program = ProgramFactory(municipalities=[bonn])
    client.force_login(office)
    response = client.get(reverse("network:program", args=[program.pk]))
    assert response.status_code == 200
    assert response.context["summary"]["nodes"] == 0
    data = client.get(reverse("network:program_data", args=[program.pk])).json()
    assert data["nodes"] == [] and data["edges"] == []


# Performance


def bulk_network(municipality, organisations, ties, seed=3):
    """Organisations and ties without factories (a factory per row would take minutes)."""
    import random

    rng = random.Random(seed)
    kinds = [
        OrganisationKind.MIGRANT_ORGANISATION,
        OrganisationKind.ADMINISTRATION,
        OrganisationKind.NGO,
        OrganisationKind.EDUCATION,
    ]
    start = Organisation.objects.count()
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Org {start + i}",
            name_key=f"org {start + i}",
            kind=kinds[i % 4],
            municipality=municipality,
        )
        for i in range(organisations)
    )
    ids = list(Organisation.objects.filter(municipality=municipality).values_list("pk", flat=True))
    pairs = set()
    while len(pairs) < ties:
        a, b = rng.sample(ids, 2)
        pairs.add((min(a, b), max(a, b)))
    Tie.objects.bulk_create(
        (
            Tie(
                source_id=a,
                target_id=b,
                kind=TieKind.COOPERATION,
                started_on=days(rng.randint(-100, 50)),
            )
            for a, b in pairs
        ),
        batch_size=5000,
    )
    # No ANALYZE on purpose: the tables have no statistics yet, as right after a big import,
    # and the network must load without them (a query shape that once took minutes on
    # PostgreSQL here).


def count_queries(client, url, query=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query or {})
    assert response.status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_network(client, kiel_coordinator, world):
    client.force_login(kiel_coordinator)
    urls = [
        program_url(world),
        program_url(world, "network:program_data"),
        program_url(world, "network:program_export", "gexf"),
    ]
    small = [count_queries(client, url) for url in urls]
    bulk_network(world["bonn"], 200, 600)
    bump()  # bulk inserts send no signals; an import counts the content version up itself
    large = [count_queries(client, url) for url in urls]
    assert small == large
    # load_network's seven, the reader (session, user, roles), the program, the rule, the
    # snapshot dates, the municipalities of the program, the visible organisations, and the
    # figures over time (content version, stored rows, and the insert when measured).
    assert max(large) <= 19
    # Stored, the figures over time cost two queries.
    assert count_queries(client, urls[0]) == large[0] - 1


def test_a_municipality_of_5000_organisations_and_50000_ties_stays_usable(
    client, office, bonn, capsys
):
    bulk_network(bonn, 5000, 50000)
    process = LocalProcessFactory(municipality=bonn)
    EventFactory(
        process=process,
        starts_at=timezone.make_aware(datetime.datetime.combine(WORKSHOP, datetime.time(10))),
    )
    client.force_login(office)
    timings = {}
    for name in ("network:municipality", "network:municipality_data"):
        url = reverse(name, args=[bonn.pk])
        began = time.perf_counter()
        queries = count_queries(client, url)
        timings[name] = time.perf_counter() - began
        assert queries <= 16
    data = client.get(reverse("network:municipality_data", args=[bonn.pk])).json()
    assert (len(data["nodes"]), len(data["edges"])) == (5000, 50000)
    with capsys.disabled():
        print(
            "\nnetwork page / graph.json, 5,000 organisations, 50,000 ties: "
            + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items())
        )
