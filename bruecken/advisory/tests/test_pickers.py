"""The form's pickers offer what the user may choose: seminars they see, staff they may name."""

import pytest
from django.urls import reverse

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _labels(client, name, q):
    response = client.get(reverse("picker", args=[name]), {"q": q})
    return [row["label"] for row in response.json()["results"]]


def test_a_coordinator_picks_their_municipalitys_staff_and_the_office(
    client, bonn_coordinator, advisor, kiel
):
    stranger = user_with_role(Role.FACILITATOR, municipality=kiel)
    stranger.full_name = "Frida Kielerin"
    stranger.save()
    office = user_with_role(Role.PROGRAM_OFFICE)
    office.full_name = "Frida Büro"
    office.save()
    client.force_login(bonn_coordinator)
    assert set(_labels(client, "advisors", "frida")) == {"Frida Beraterin", "Frida Büro"}


def test_seminars_only(client, office, seminar, program):
    from bruecken.events.tests.factories import EventFactory

    EventFactory(process=None, program=program, title="Beratung ohne Seminar")
    client.force_login(office)
    assert _labels(client, "advisory_seminars", "beratung") == ["Beratungsseminar Fördermittel"]
