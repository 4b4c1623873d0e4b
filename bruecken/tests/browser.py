"""Helpers for the apps' browser tests (tests/e2e/): a page's address on the live server, opening
it, and moving the keyboard focus."""

import re

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect


def url(live_server, language, name, *args, query=""):
    with translation.override(language):
        return live_server.url + reverse(name, args=args) + query


def open_page(page, address, status=200):
    """Open the address: it answers `status`, in German or English."""
    response = page.goto(address)
    assert response.status == status, f"{address} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^(de|en)$"))
    return response


def tab_to(page, selector, key="Tab", limit=60):
    """Press Tab (or Shift+Tab) until the element has the focus; fails if it never does."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            return target
    raise AssertionError(f"{selector} was not reached with {limit} presses of {key}")


def assert_reflows(page):
    """At 320 CSS pixels nothing sticks out sideways (WCAG 1.4.10); wide tables scroll in
    their own box."""
    page.set_viewport_size({"width": 320, "height": 800})
    # The layout follows the new width on the next frames: wait up to 3 s (polled from here:
    # the page's policy refuses wait_for_function's eval).
    for _ in range(30):
        if page.evaluate("document.documentElement.scrollWidth") <= 320:
            break
        page.wait_for_timeout(100)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > 321)
            .map((e) => e.tagName + '#' + e.id + '.' + e.className)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, wide


def snapshot(app_labels):
    """Every row of the apps' models (their many-to-many tables too), to put back with `restore`
    after a transactional test's flush."""
    from django.apps import apps

    return [
        (model, list(model.objects.all()))
        for label in app_labels
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def restore(rows):
    """Put the rows of a `snapshot` back, and the tables' id sequences after them."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    # Foreign keys are checked at commit (Django creates them deferrable), so order is free.
    with transaction.atomic():
        for model, objects in rows:
            model.objects.bulk_create(objects)
    models = [model for model, _objects in rows]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def pick(page, selector, typed, choice=None):
    """Choose in a type-ahead picker (bruecken/pickers.py) with the keyboard: type into its
    combobox, wait for the listbox, move to the option (`choice`: its text, else the first)
    and press Enter."""
    combobox = page.locator(selector)
    combobox.focus()
    combobox.press_sequentially(typed, delay=20)
    listbox = page.locator(f"#{combobox.get_attribute('aria-controls')}")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    index = 0
    if choice is not None:
        texts = options.all_inner_texts()
        index = next(i for i, text in enumerate(texts) if choice in text)
    for _ in range(index + 1):
        combobox.press("ArrowDown")
    combobox.press("Enter")
    expect(listbox).to_be_hidden()
