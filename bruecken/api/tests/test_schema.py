"""The OpenAPI document: valid under the official OpenAPI 3.1 schema, and the API keeps to it
under generated input (Schemathesis, through WSGI, no server)."""

import re

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from bruecken.guide.models import Category, Recommendation

from .conftest import make_token

SCHEMA_URL = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def openapi(client, db):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def test_the_schema_is_valid_openapi(openapi):
    assert openapi["openapi"].startswith("3.1")
    OPENAPI_31_VALIDATOR.validate(openapi)
    assert openapi["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_schema_lists_every_endpoint(openapi):
    paths = set(openapi["paths"])
    for path in [
        "/api/v1/municipalities",
        "/api/v1/partnerships",
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
        "/api/v1/people",
        "/api/v1/events",
        "/api/v1/registrations/mine",
        "/api/v1/goals",
        "/api/v1/results",
        "/api/v1/open-data/popolo.json",
        "/api/v1/open-data/organisations.csv",
    ]:
        assert path in paths
    # Reading anonymously is documented as allowed, except for one's own registrations.
    assert {} in openapi["paths"]["/api/v1/organisations"]["get"]["security"]
    assert {} not in openapi["paths"]["/api/v1/registrations/mine"]["get"]["security"]


def test_the_docs_page_is_served_by_us_without_inline_script(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url
        if url.startswith(django_settings.STATIC_URL):
            assert finders.find(url.removeprefix(django_settings.STATIC_URL)), url
        else:
            assert client.get(url).status_code == 200, url
    assert "style=" not in html


def test_docs_assets_are_a_fixed_list(client, db):
    assert client.get("/api/v1/docs/assets/swagger-ui.css").status_code == 200
    assert client.get("/api/v1/docs/assets/..%2F__init__.py").status_code == 404
    assert client.get("/api/v1/docs/assets/redoc.standalone.js").status_code == 404


@pytest.fixture
def fuzz_settings(settings, world):
    category = Category.objects.create(name="Beteiligung")
    recommendation = Recommendation.objects.create(
        program=world.program, title="Empfehlung", text="Text", category=category, status="accepted"
    )
    recommendation.results.set([world.bonn_result_public])
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.API_RATE_LIMIT_ANONYMOUS = 0
    settings.API_RATE_LIMIT_TOKEN = 0
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield world
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def run_schemathesis(headers, max_examples):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
    schema.validate()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @given(case=schema.as_strategy(mode))
        @settings(
            max_examples=max_examples,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        check()


def test_schemathesis_anonymous(fuzz_settings):
    run_schemathesis({}, max_examples=150)


def test_schemathesis_with_a_token(fuzz_settings, bonn_coordinator):
    token = make_token(bonn_coordinator)
    run_schemathesis({"Authorization": f"Bearer {token}"}, max_examples=150)
