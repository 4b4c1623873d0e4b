"""The shared pieces the apps' views and templates use instead of copies of their own:
`web.confirm_then`, `spreadsheets.date_cell` and the table frame `includes/data_table.html`."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory

from bruecken.spreadsheets import date_cell
from bruecken.web import confirm_then

pytestmark = pytest.mark.usefixtures("language_reset")


def _request(method="get", data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _confirm(request, done):
    return confirm_then(
        request,
        lambda: done.append(True),
        done="Gone.",
        then="/back/",
        question="Really?",
        consequence="It cannot be undone.",
        confirm="Do it",
        back_url="/here/",
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_confirm_then_asks_first(method):
    done = []
    response = _confirm(_request(method), done)
    assert response.status_code == 200
    assert "It cannot be undone." in response.content.decode()
    assert not done


def test_confirm_then_acts_says_so_and_goes_on():
    done = []
    request = _request("post", {"confirm": "yes"})
    response = _confirm(request, done)
    assert done == [True]
    assert response.status_code == 302
    assert response["Location"] == "/back/"
    assert [str(message) for message in get_messages(request)] == ["Gone."]


def test_date_cell():
    assert date_cell(None) == ""
    assert date_cell(datetime.date(2026, 3, 9)) == "09.03.2026"
    # A moment is written as its local date: 23:30 UTC on 31 December is New Year in Berlin.
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert date_cell(moment) == "01.01.2027"


TABLE = """{% extends "includes/data_table.html" %}
{% block caption %}Things{% endblock %}
{% block head %}<th scope="col">Name</th>{% endblock %}
{% block body %}{% for row in rows %}<tr><td>{{ row }}</td></tr>{% endfor %}{% endblock %}
{% block empty %}<p>Nothing yet.</p>{% endblock %}"""


def _table(**context):
    request = _request()
    return engines["django"].from_string(TABLE).render(context, request)


def test_data_table_frames_the_rows_with_page_links():
    page = Paginator(["a", "b", "c"], 2).get_page(1)
    html = _table(rows=page.object_list, page=page)
    assert '<div class="table-wrap">' in html
    assert '<table class="data-table responsive-table">' in html
    assert '<caption class="visually-hidden">Things</caption>' in html
    assert "<tr><td>a</td></tr><tr><td>b</td></tr>" in html
    assert 'rel="next"' in html
    assert "Nothing yet." not in html


def test_data_table_without_rows_shows_the_note():
    html = _table(rows=[], page=Paginator([], 2).get_page(1))
    assert "Nothing yet." in html
    assert "<table" not in html
