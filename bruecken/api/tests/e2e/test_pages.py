"""The token page passes axe-core in both languages; the API docs render under the strict
Content Security Policy (the `page` fixture fails on anything the policy refuses)."""

import pytest
from playwright.sync_api import expect

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.testing_browser import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def coordinator(transactional_db):
    return user_with_role(Role.COORDINATOR, municipality=MunicipalityFactory(ags="05314000"))


@pytest.mark.parametrize("language", ["de", "en"])
def test_token_page(page, live_server, log_in, coordinator, language):
    log_in(coordinator)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    response = page.goto(live_server.url + "/api/tokens/")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    page.locator("input[name=name]").fill("Portal")
    page.locator("main button[type=submit]").first.click()
    secret = page.locator("#new-token")
    expect(secret).to_be_visible()
    assert secret.input_value().startswith("brk_")
    assert_accessible(page)


def test_docs_render_under_the_content_security_policy(page, live_server, transactional_db):
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Brücken API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    # Swagger UI with our colour corrections (static/api/docs.css).
    assert_accessible(page)
    page.locator(".opblock-summary-control").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert_accessible(page)
