"""The registry of what waits for a user (bruecken/waiting.py)."""

import pytest

from bruecken import waiting
from bruecken.waiting import Item


@pytest.fixture
def providers(monkeypatch):
    monkeypatch.setattr(waiting, "PROVIDERS", {})
    return waiting.PROVIDERS


def test_answers_first_and_nothing_with_a_count_of_zero(providers):
    waiting.register(
        "a", lambda user, now: [Item("note", "/n/", kind="info"), Item("zero", "/z/", 0)]
    )
    waiting.register(
        "b", lambda user, now: [Item("warn", "/w/", kind="warning"), Item("do", "/d/")]
    )
    assert [item.label for item in waiting.for_user(None)] == ["do", "warn", "note"]


def test_every_app_registers_its_provider():
    assert {"events", "guide", "transfer", "website"} <= set(waiting.PROVIDERS)
