"""The public page cache: per language, path and query; off for visitors with a session, for
pages with a CSRF token and for errors; invalidated by any committed change to public content."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import translation

from bruecken import cache
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.models import ContentVersion


@pytest.fixture
def cache_on(settings):
    settings.WEBSITE_CACHE_SECONDS = 600


class CountingView:
    def __init__(self, status=200, csrf=False, cookie=False):
        self.calls = 0
        self.status, self.csrf, self.cookie = status, csrf, cookie

    def __call__(self, request):
        self.calls += 1
        if self.csrf:
            get_token(request)
        response = HttpResponse(f"render {self.calls}", status=self.status)
        if self.cookie:
            response.set_cookie("seen", "1")
        return response


def get(view, path="/de/organisations/", language="de", **cookies):
    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)
    with translation.override(language):
        return view(request)


@pytest.mark.django_db
def test_second_visit_is_served_from_the_cache(cache_on):
    view = CountingView()
    cached = cache.cached_page(view)
    assert get(cached).content == b"render 1"
    assert get(cached).content == b"render 1"
    assert view.calls == 1


@pytest.mark.django_db
def test_cache_is_per_language_path_and_query(cache_on):
    view = CountingView()
    cached = cache.cached_page(view)
    get(cached)
    get(cached, language="en")
    get(cached, path="/de/organisations/?region=002")
    get(cached, path="/de/calendar/")
    assert view.calls == 4


@pytest.mark.django_db
def test_no_cache_when_turned_off(settings):
    settings.WEBSITE_CACHE_SECONDS = 0
    view = CountingView()
    cached = cache.cached_page(view)
    get(cached)
    get(cached)
    assert view.calls == 2


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_visitors_with_a_session_or_a_message_get_a_fresh_page(cache_on, cookie):
    view = CountingView()
    cached = cache.cached_page(view)
    get(cached)
    assert get(cached, **{cookie: "x"}).content == b"render 2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind", [{"status": 404}, {"csrf": True}, {"cookie": True}], ids=["error", "csrf", "cookie"]
)
def test_errors_forms_and_cookies_are_not_cached(cache_on, kind):
    view = CountingView(**kind)
    cached = cache.cached_page(view)
    get(cached)
    get(cached)
    assert view.calls == 2


@pytest.mark.django_db
def test_post_is_never_cached(cache_on):
    view = CountingView()
    cached = cache.cached_page(view)
    for _ in range(2):
        cached(RequestFactory().post("/de/contact/"))
    assert view.calls == 2


@pytest.mark.django_db
def test_a_committed_change_counts_the_version_up(django_capture_on_commit_callbacks, bonn):
    before = cache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(municipality=bonn)
    assert cache.current_version() > before


@pytest.mark.django_db
def test_htmx_fragments_are_cached_apart_from_the_page(cache_on):
    view = CountingView()
    cached = cache.cached_page(view)
    factory = RequestFactory()
    with translation.override("de"):
        cached(factory.get("/de/organisations/", headers={"HX-Request": "true"}))
        page = cached(factory.get("/de/organisations/"))
        restored = cached(
            factory.get(
                "/de/organisations/",
                headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
            )
        )
    assert page.content == restored.content == b"render 2"
    assert view.calls == 2


@pytest.mark.django_db
def test_a_change_invalidates_the_cached_page(cache_on, django_capture_on_commit_callbacks, bonn):
    view = CountingView()
    cached = cache.cached_page(view)
    get(cached)
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(municipality=bonn)
    assert get(cached).content == b"render 2"


@pytest.mark.django_db
def test_a_rolled_back_change_does_not_count(bonn):
    before = cache.current_version()
    # Inside the test's transaction the callback waits for a commit that never comes.
    OrganisationFactory(municipality=bonn)
    assert cache.current_version() == before


@pytest.mark.django_db
def test_private_records_do_not_count(django_capture_on_commit_callbacks):
    from bruecken.website.models import ContactMessage

    before = cache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        ContactMessage.objects.create(
            kind="contact", email="a@example.org", message="Hallo", language="de"
        )
    assert cache.current_version() == before


@pytest.mark.django_db
def test_bump_creates_the_row_once():
    ContentVersion.objects.all().delete()
    cache.bump()
    cache.bump()
    assert ContentVersion.objects.get().value == 2


@pytest.mark.django_db
def test_shared_parts_are_computed_once_per_version(cache_on, django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with translation.override("de"):
        assert cache.cached_for_version("part", compute) == 1
        assert cache.cached_for_version("part", compute) == 1
    with translation.override("en"):
        assert cache.cached_for_version("part", compute) == 2
    with django_capture_on_commit_callbacks(execute=True):
        cache.queue_bump()
    with translation.override("de"):
        assert cache.cached_for_version("part", compute) == 3


@pytest.mark.django_db
def test_two_saves_in_one_transaction_count_up_once(django_capture_on_commit_callbacks, bonn):
    before = cache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(municipality=bonn)
        OrganisationFactory(municipality=bonn)
    assert cache.current_version() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize("later_change", [True, False])
def test_a_rolled_back_savepoint_takes_only_its_own_count_with_it(
    django_capture_on_commit_callbacks, later_change
):
    before = cache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                cache.queue_bump()
                raise RuntimeError
        except RuntimeError:
            pass
        if later_change:
            cache.queue_bump()
    assert cache.current_version() == before + later_change
