"""Browser tests for every app: Playwright (sync API) driving the system's Chromium against
pytest-django's live server, and axe-core checking pages against WCAG 2.1 A and AA.

A pytest plugin, loaded by the root conftest.py, so that each app's `tests/e2e/` folder can use
the same fixtures: Playwright starts once per run, however many folders have browser tests.

The live server runs in a thread of this process and answers from a transactional database that
is flushed after every test."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM
# calls the tests make while it runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser_test_settings():
    """Settings for serving the browser over plain HTTP on localhost. The root conftest sets some
    of them per test; these are in place earlier, when the live server starts (SecurityMiddleware
    reads its settings once, then) and when package-scoped data is made."""
    from django.conf import settings
    from django.test.utils import override_settings

    with override_settings(
        # Production redirects to HTTPS and marks its cookies secure; the live server has no TLS.
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        # Static files come from the finders (app directories and node_modules) by their plain
        # names; the production storage would ask for a manifest built by collectstatic.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Hashing the demo accounts' passwords at full strength would dominate the run time.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(scope="package")
def live_server(browser_test_settings, live_server):
    return live_server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (make chromium)"
        # On a developer's machine the browser tests may be skipped; CI must run them.
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page that fails its test if the Content Security Policy refused anything on it: the
    policy is on in the browser tests, so an inline script or a foreign resource shows here."""
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert refused == [], "The Content Security Policy refused:\n" + "\n".join(refused)


@pytest.fixture
def log_in(context, live_server):
    """Log the browser in as a user without going through the form (the form has its own
    tests): a session made by Django's test client, handed to the browser as its cookie."""
    from django.conf import settings
    from django.test import Client

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


# axe-core in the page, with a failure message that says what to fix

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Only the violations are needed; leaving out the passes makes axe twice as fast.
RUN_AXE = """tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
})"""


def axe_script():
    from django.conf import settings

    return Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def run_axe(page):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content Security Policy does
        # not govern (a <script> tag would be refused): the policy stays on for what is tested.
        page.evaluate(axe_script().read_text(encoding="utf-8"))
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page):
    """No WCAG 2.1 A/AA violations that axe-core can find on the page as it is now."""
    violations = run_axe(page)["violations"]
    assert not violations, (
        f"{len(violations)} accessibility rule(s) violated on {page.url}:\n"
        + describe_violations(violations)
    )
