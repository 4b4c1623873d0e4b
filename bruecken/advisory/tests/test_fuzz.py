"""The fuzz test (bruecken/tests/test_fuzz.py) reaches the advisory pages and forms: here, crawled
from the staff area for the roles that use them, each form fuzzed, no request answered 5xx."""

import pytest
from django.test import Client
from django.utils import translation

from bruecken.guide.tests.conftest import (  # noqa: F401 (fixtures)
    accepted,
    categories,
    goal,
    process,
    result,
)
from bruecken.tests.test_fuzz import Fuzzer, _report, _user, _world, route

ROUTES = {
    "office": {
        "advisory:overview",
        "advisory:advice_create",
        "advisory:organisation",
        "advisory:organisation_advice_create",
        "advisory:advice_detail",
        "advisory:advice_edit",
        "advisory:advice_delete",
    },
    "coordinator": {"advisory:overview", "advisory:organisation", "advisory:advice_edit"},
    "representative": {"advisory:organisation", "advisory:advice_detail"},
}


@pytest.mark.parametrize("role", list(ROUTES))
def test_advisory_pages_are_crawled_and_survive_hostile_input(
    role,
    process,  # noqa: F811
    accepted,  # noqa: F811
    language_reset,
):
    # German whatever an earlier test left active in this thread (the crawl starts at /de/).
    translation.activate("de")
    person = _world(process, accepted)
    user = _user(role, process, person)
    fuzzer = Fuzzer(Client(), role, user)
    fuzzer.login()
    visited = []
    send = fuzzer.send

    def noting(method, path, pairs, what):
        if what == "(crawling)":
            visited.append(path)
        return send(method, path, pairs, what)

    fuzzer.send = noting
    forms = fuzzer.crawl(["/de/actors/", "/de/advisory/"])
    reached = {route(path) for path in visited}
    assert ROUTES[role] <= reached, reached
    for key, form in forms.items():
        if key[0].startswith("advisory:"):
            fuzzer.fuzz_form(form)
    _report(fuzzer)
