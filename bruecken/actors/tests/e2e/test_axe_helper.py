"""The accessibility check itself: it finds violations and says where they are."""

import pytest

from bruecken.testing_browser import assert_accessible

pytestmark = pytest.mark.e2e


def test_reports_rule_impact_and_target(page):
    page.set_content(
        """<!DOCTYPE html><html lang="en"><head><title>Test</title></head>
        <body><main><h1>Test</h1><img id="logo" src="data:,">
        <label>Name <input id="name"></label><input id="unlabelled"></main></body></html>"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "#logo" in message
    assert "label (critical)" in message
    assert "#unlabelled" in message
    assert "#name" not in message


def test_passes_a_clean_page(page):
    page.set_content(
        """<!DOCTYPE html><html lang="en"><head><title>Test</title></head>
        <body><main><h1>Test</h1><p>Nothing to see.</p></main></body></html>"""
    )
    assert_accessible(page)
