"""The network page's script (static/network/network.js) against the agreed page structure and
graph JSON, on a page served through Playwright's routing from the live server's origin, with
the site's Content Security Policy: the graph with its slider, filters and zoom buttons, the chart,
and a graph of 5,000 nodes and 50,000 edges."""

import json
import random
import re

import pytest
from playwright.sync_api import expect

from bruecken.security import CONTENT_SECURITY_POLICY
from bruecken.testing_browser import assert_accessible

pytestmark = pytest.mark.e2e

GROUPS_DE = {
    "migrant_organisations": "Migrantenorganisationen",
    "administration": "Verwaltung",
    "ngos": "NGOs",
    "other_institutions": "andere Institutionen",
}


def small_graph():
    """Four organisations; ties first seen on three dates, two of them across the sides."""
    nodes = [
        {"id": 0, "label": "Ghana Verein", "group": "migrant_organisations", "side": "migrant"},
        {"id": 1, "label": "Amt", "group": "administration", "side": "municipal"},
        {"id": 2, "label": "Weltladen", "group": "ngos", "side": "municipal"},
        {"id": 3, "label": "Syrischer Verein", "group": "migrant_organisations", "side": "migrant"},
    ]
    for i, node in enumerate(nodes):
        node.update(x=[0, 1, 0, 1][i], y=[0, 0, 1, 1][i], degree=2, url=f"/de/actors/{i}/")
    edges = [
        {"source": 0, "target": 1, "first": "2026-01-15", "weight": 1, "kinds": ["tie"]},
        {"source": 2, "target": 1, "first": "2026-02-01", "weight": 1, "kinds": ["coattendance"]},
        {
            "source": 3,
            "target": 2,
            "first": "2026-03-01",
            "weight": 2,
            "kinds": ["tie", "coattendance"],
        },
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "dates": ["2026-01-31", "2026-02-15"],
        "groups": GROUPS_DE,
        "sides": {"migrant": "Migrantische Seite", "municipal": "kommunale Seite"},
        "until": "2026-04-01",
    }


def large_graph(n=5000, m=50000, seed=5):
    rng = random.Random(seed)
    groups = list(GROUPS_DE)
    nodes = [
        {
            "id": i,
            "label": f"Organisation {i}",
            "group": groups[i % 4],
            "side": "migrant" if i % 4 == 0 else "municipal",
            "x": rng.uniform(-1, 1),
            "y": rng.uniform(-1, 1),
            "degree": 0,
            "url": None,
        }
        for i in range(n)
    ]
    pairs = set()
    while len(pairs) < m:
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    edges = []
    for a, b in sorted(pairs):
        nodes[a]["degree"] += 1
        nodes[b]["degree"] += 1
        month = rng.randint(1, 12)
        edges.append(
            {
                "source": a,
                "target": b,
                "first": f"2025-{month:02d}-01",
                "weight": 1,
                "kinds": ["tie"],
            }
        )
    return {
        "nodes": nodes,
        "edges": edges,
        "dates": ["2025-03-31", "2025-06-30", "2025-09-30"],
        "groups": GROUPS_DE,
        "sides": {"migrant": "Migrantische Seite", "municipal": "kommunale Seite"},
        "until": "2025-12-31",
    }


CHART_ROWS = [
    {
        "date": "2026-01-31",
        "nodes": 4,
        "ties": 1,
        "cross_share": 1.0,
        "ei_index": 1.0,
        "density": 0.17,
        "components": 3,
    },
    {
        "date": "2026-02-15",
        "nodes": 4,
        "ties": 2,
        "cross_share": 0.5,
        "ei_index": 0.0,
        "density": 0.33,
        "components": 2,
    },
]


def page_html(language):
    title = "Netzwerk" if language == "de" else "Network"
    return f"""<!doctype html>
<html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/static/css/app.css"></head>
<body><main id="main"><h1>{title}</h1>
<div id="network-graph" data-src="/network-test/graph.json?until=2026-04-01"></div>
<h2>{title}: figures</h2>
<canvas id="network-chart"></canvas>
<script type="application/json" id="network-chart-data">{json.dumps(CHART_ROWS)}</script>
<script src="/static/network/network.js" type="module"></script>
</main></body></html>"""


@pytest.fixture
def open_page(page, live_server):
    """Serve the test page and its graph JSON from the live server's origin with the site's
    Content Security Policy; the script and the libraries come from the live server."""

    def open_page(data, language="de", timeout=None):
        def fulfil_page(route):
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
                body=page_html(language),
            )

        page.route(f"{live_server.url}/network-test/page", fulfil_page)
        page.route(
            re.compile(r".*/network-test/graph\.json.*"),
            lambda route: route.fulfill(
                status=200, content_type="application/json", body=json.dumps(data)
            ),
        )
        page.goto(f"{live_server.url}/network-test/page")
        page.wait_for_selector("#network-graph[data-ready=true]", state="attached", timeout=timeout)
        return page

    return open_page


def status(page):
    return page.locator("#network-status").inner_text()


def test_graph_renders_with_slider_filters_and_legend(open_page):
    page = open_page(small_graph())
    assert page.locator("#network-graph canvas").count() >= 1
    assert status(page) == "3 Verbindungen angezeigt, davon 2 über die Gruppen hinweg."
    slider = page.locator("#network-time")
    # Stops: the two snapshot dates and `until`.
    assert slider.get_attribute("max") == "2"
    assert slider.get_attribute("aria-valuetext") == "1. April 2026"
    assert page.locator("#network-time-value").inner_text() == "1. April 2026"

    slider.fill("0")
    assert status(page) == "1 Verbindung angezeigt, davon 1 über die Gruppen hinweg."
    assert slider.get_attribute("aria-valuetext") == "31. Januar 2026"
    slider.fill("1")
    assert status(page) == "2 Verbindungen angezeigt, davon 1 über die Gruppen hinweg."

    slider.fill("2")
    page.get_by_label("Migrantenorganisationen").uncheck()
    assert status(page) == "1 Verbindung angezeigt, davon 0 über die Gruppen hinweg."
    page.get_by_label("Migrantenorganisationen").check()
    # The tie that is only a shared workshop goes; the one that is both stays.
    page.get_by_label("gemeinsame Workshops").uncheck()
    assert status(page) == "2 Verbindungen angezeigt, davon 2 über die Gruppen hinweg."
    # The legend names every group next to its colour.
    assert page.locator(".network-legend svg").count() == 4


def test_introductions_are_a_kind_with_its_own_line(open_page):
    data = small_graph()
    data["edges"].append(
        {"source": 0, "target": 3, "first": "2026-03-15", "weight": 1, "kinds": ["introduction"]}
    )
    page = open_page(data)
    assert status(page) == "4 Verbindungen angezeigt, davon 2 über die Gruppen hinweg."
    legend = page.locator(".network-edge-legend")
    assert legend.locator(".network-edge-introduction").count() == 1
    assert "Vorstellung durch Brücken" in legend.inner_text()
    page.get_by_label("Vorstellungen durch Brücken").uncheck()
    assert status(page) == "3 Verbindungen angezeigt, davon 2 über die Gruppen hinweg."


def test_keyboard_moves_slider_and_zooms(open_page):
    page = open_page(small_graph())
    page.locator("#network-time").focus()
    page.keyboard.press("Home")
    assert status(page).startswith("1 Verbindung angezeigt")
    page.keyboard.press("ArrowRight")
    assert status(page).startswith("2 Verbindungen angezeigt")

    zoom = "() => Number(document.querySelector('#network-graph').dataset.zoom)"
    before = page.evaluate(zoom)
    page.locator("#network-zoom-in").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"r => ({zoom})() < r", arg=before)
    page.locator("#network-zoom-reset").focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"r => Math.abs(({zoom})() - r) < 1e-9", arg=before)
    page.locator("#network-zoom-out").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"r => ({zoom})() > r", arg=before)


def test_keyboard_finds_an_organisation_and_opens_its_profile(open_page):
    page = open_page(small_graph())
    zoom = "() => Number(document.querySelector('#network-graph').dataset.zoom)"
    before = page.evaluate(zoom)
    field = page.get_by_role("combobox", name="Organisation im Graphen finden")
    field.focus()
    page.keyboard.type("weltl")
    page.keyboard.press("Enter")
    result = page.locator("#network-find-result")
    expect(result).to_contain_text("Weltladen (NGOs, 2 Verbindungen) ist im Graphen hervorgehoben.")
    # The camera moves to the organisation and zooms in.
    page.wait_for_function(f"r => ({zoom})() < r", arg=before)
    link = result.get_by_role("link", name="Profil von Weltladen öffnen")
    assert link.get_attribute("href") == "/de/actors/2/"
    # Tab reaches the link next: the search button, then the link.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Profil von Weltladen öffnen"

    field.fill("Niemand")
    page.keyboard.press("Enter")
    expect(result).to_have_text("Keine Organisation im Graphen heißt „Niemand“.")
    assert result.get_by_role("link").count() == 0


def test_chart_renders(open_page):
    page = open_page(small_graph())
    page.wait_for_selector("#network-chart[data-ready=true]", state="attached")
    canvas = page.locator("#network-chart")
    assert canvas.get_attribute("role") == "img"
    assert "E-I-Index" in canvas.get_attribute("aria-label")
    assert canvas.bounding_box()["height"] > 0


@pytest.mark.parametrize("language", ["de", "en"])
def test_controls_are_accessible(open_page, language):
    page = open_page(small_graph(), language)
    page.wait_for_selector("#network-chart[data-ready=true]", state="attached")
    assert_accessible(page)


def test_large_graph_renders_and_slides(open_page, page, capsys):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Generous: Chromium draws WebGL in software here (no GPU); the time is printed, not asserted.
    open_page(large_graph(), timeout=120_000)
    assert errors == []
    assert page.locator("#network-graph canvas").count() >= 1
    assert status(page).startswith("50.000 Verbindungen angezeigt")
    page.locator("#network-time").fill("0")
    page.wait_for_function(
        "() => !document.querySelector('#network-status').textContent.startsWith('50.000')",
        timeout=180_000,
    )
    shown = int(status(page).split(" ")[0].replace(".", ""))
    assert 0 < shown < 50000
    graph = page.locator("#network-graph")
    with capsys.disabled():
        print(
            "\nnetwork graph 5,000 nodes / 50,000 edges: graph built and first frame requested "
            f"{graph.get_attribute('data-render-ms')} ms after the data arrived; "
            f"a slider move's filtering took {graph.get_attribute('data-update-ms')} ms"
        )
