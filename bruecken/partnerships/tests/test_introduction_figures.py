"""The partnerships' figures per municipality (bruecken/figures.py), and the accepted
introduction's tie in Leipzig's network at its date."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bruecken import figures
from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.events.tests.factories import EventFactory
from bruecken.network.graph import EdgeKind, load_network, to_igraph
from bruecken.network.metrics import measure
from bruecken.partnerships import introduction_figures, introductions
from bruecken.partnerships.models import IntroductionStatus
from bruecken.programs.models import Result, ResultKind
from bruecken.programs.tests.factories import LocalProcessFactory

from .introduction_helpers import answer, propose

pytestmark = pytest.mark.usefixtures("site_url")


def accept_both(capture, tokens):
    for token in tokens.values():
        answer(capture, token)


def values(found):
    return {figure.key: (figure.value, figure.total) for figure in found}


def test_the_provider_is_registered():
    assert figures.PROVIDERS["partnerships"] is introduction_figures.per_municipality


def test_figures_per_municipality(
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    coordinator,
    partnership,
    diaspora,
    city_office,
    leipzig,
    kiel,
    ethiopia,
):
    introduction, tokens = propose(
        django_capture_on_commit_callbacks, coordinator, partnership=partnership, second=diaspora
    )
    accept_both(django_capture_on_commit_callbacks, tokens)
    introduction.refresh_from_db()
    # A second one, declined; a third one, withdrawn (not counted as made).
    other = OrganisationFactory(municipality=leipzig, countries=[ethiopia], email="o@example.org")
    _declined, more = propose(
        django_capture_on_commit_callbacks, coordinator, partnership=partnership, second=other
    )
    answer(django_capture_on_commit_callbacks, next(iter(more.values())), accept=False)
    third = OrganisationFactory(municipality=leipzig, countries=[ethiopia], email="t@example.org")
    introductions.withdraw(
        coordinator, introductions.propose(coordinator, partnership=partnership, second=third)
    )
    # A joint result after the acceptance; another one before it would not count.
    workshop = EventFactory(process=LocalProcessFactory(municipality=leipzig))
    result = Result.objects.create(workshop=workshop, kind=next(iter(ResultKind)), text="Brunnen")
    result.organisations.set([city_office, diaspora])
    active = leipzig.partnerships.filter(status="active").count()

    with django_assert_max_num_queries(2):
        found = introduction_figures.per_municipality([leipzig.pk, kiel.pk], timezone.now())
    assert values(found[leipzig.pk]) == {
        "partnerships_linked": (1, active),
        "introductions_made": (2, None),
        "introductions_accepted": (1, 2),
        "introductions_joint_results": (1, 1),
    }
    assert values(found[kiel.pk])["introductions_made"] == (0, None)

    # The result counts only if recorded after the acceptance.
    Result.objects.filter(pk=result.pk).update(
        created_at=introduction.decided_at - timedelta(days=1)
    )
    found = introduction_figures.per_municipality([leipzig.pk], timezone.now())
    assert values(found[leipzig.pk])["introductions_joint_results"] == (0, 1)


def test_an_ended_tie_or_a_non_migrant_organisation_is_not_linked(
    django_capture_on_commit_callbacks, coordinator, partnership, diaspora, leipzig
):
    introduction, tokens = propose(
        django_capture_on_commit_callbacks, coordinator, partnership=partnership, second=diaspora
    )
    accept_both(django_capture_on_commit_callbacks, tokens)
    introduction.refresh_from_db()
    tie = introduction.tie
    tie.ended_on = timezone.localdate() - timedelta(days=1)
    tie.started_on = tie.ended_on - timedelta(days=1)
    tie.save()
    found = introduction_figures.per_municipality([leipzig.pk], timezone.now())
    assert values(found[leipzig.pk])["partnerships_linked"][0] == 0
    diaspora.kind = OrganisationKind.NGO
    diaspora.save()
    tie.ended_on = None
    tie.save()
    found = introduction_figures.per_municipality([leipzig.pk], timezone.now())
    assert values(found[leipzig.pk])["partnerships_linked"][0] == 0


def test_the_accepted_introduction_appears_in_leipzigs_network_at_its_date(
    django_capture_on_commit_callbacks, coordinator, partnership, diaspora, city_office, leipzig
):
    introduction, tokens = propose(
        django_capture_on_commit_callbacks, coordinator, partnership=partnership, second=diaspora
    )
    accept_both(django_capture_on_commit_callbacks, tokens)
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.ACCEPTED
    today = timezone.localdate()
    network = load_network(municipality=leipzig)
    before = measure(to_igraph(network, until=today - timedelta(days=1)))["summary"]
    on_the_day = measure(to_igraph(network, until=today))["summary"]
    only = to_igraph(network, until=today, kinds=EdgeKind.INTRODUCTION)
    assert only.ecount() == 1
    edge = only.es[0]
    assert edge["first"] == today.toordinal()
    ends = {only.vs[edge.source]["organisation_id"], only.vs[edge.target]["organisation_id"]}
    assert ends == {city_office.pk, diaspora.pk}
    assert on_the_day["edges"] == before["edges"] + 1
