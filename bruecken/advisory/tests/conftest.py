"""Advice in Bonn and Kiel: a program seminar, a migrant organisation in each municipality, the
Bonn facilitator as advisor and the representative of the Bonn organisation."""

import datetime

import pytest
from django.utils import timezone

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.advisory.models import AdviceKind
from bruecken.advisory.services import record_advice
from bruecken.events.tests.factories import EventFactory
from bruecken.programs.models import WorkshopKind


@pytest.fixture
def seminar(program):
    starts = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() - datetime.timedelta(days=10), datetime.time(14)
        )
    )
    return EventFactory(
        process=None,
        program=program,
        kind=WorkshopKind.SEMINAR,
        title="Beratungsseminar Fördermittel",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
    )


@pytest.fixture
def bonn_org(bonn):
    return OrganisationFactory(municipality=bonn, name="Ghana Union Bonn")


@pytest.fixture
def kiel_org(kiel):
    return OrganisationFactory(municipality=kiel, name="Verein Kiel")


@pytest.fixture
def advisor(bonn_facilitator):
    bonn_facilitator.full_name = "Frida Beraterin"
    bonn_facilitator.language = "en"
    bonn_facilitator.save()
    return bonn_facilitator


@pytest.fixture
def representative(bonn_org):
    return user_with_role(Role.REPRESENTATIVE, organisation=bonn_org)


def values(seminar=None, **changes):
    day = timezone.localtime(seminar.starts_at).date() if seminar else timezone.localdate()
    data = {
        "kind": AdviceKind.SEMINAR if seminar else AdviceKind.CONSULTATION,
        "event": seminar,
        "topic": "Fördermittel beantragen",
        "topics": [],
        "advisor": None,
        "given_on": day,
        "next_steps": "Projektskizze an Amara Mensah schicken.",
        "follow_up_on": day + datetime.timedelta(days=14),
    }
    data.update(changes)
    return data


@pytest.fixture
def advice(office, bonn_org, seminar, advisor):
    return record_advice(office, bonn_org, values(seminar, advisor=advisor))


@pytest.fixture
def kiel_advice(office, kiel_org):
    return record_advice(office, kiel_org, values(topic="Satzung"))
