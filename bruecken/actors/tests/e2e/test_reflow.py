"""WCAG 1.4.10 Reflow: at 320 CSS pixels wide, pages scroll only vertically. Wide tables may
scroll sideways inside their own box."""

import pytest
from django.urls import reverse
from django.utils import translation

from bruecken.actors import services

pytestmark = pytest.mark.e2e

NARROW = {"width": 320, "height": 640}


def test_pages_reflow_at_320_pixels(page, live_server, demo, log_in):
    organisation, person = demo.organisation, demo.person
    # A long history entry and long words, as real data has them.
    services.update_organisation(
        demo.bonn_coordinator,
        organisation,
        {"description": "Entwicklungszusammenarbeitsprojektkoordinationsstelle " * 4},
    )
    log_in(demo.bonn_coordinator)
    page.set_viewport_size(NARROW)
    pages = [
        ("home", []),
        ("actors:organisation_list", []),
        ("actors:organisation_detail", [organisation.pk]),
        ("actors:organisation_edit", [organisation.pk]),
        ("actors:membership_add", [organisation.pk]),
        ("actors:tie_add", [organisation.pk]),
        ("actors:person_list", []),
        ("actors:person_detail", [person.pk]),
        ("actors:person_edit", [person.pk]),
    ]
    too_wide = []
    for name, args in pages:
        with translation.override("de"):
            path = reverse(name, args=args)
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            too_wide.append(f"{path}: {width}px")
    assert not too_wide, "Pages wider than the 320px window:\n" + "\n".join(too_wide)
