import pytest

from bruecken.guide.models import Category, Recommendation, RecommendationStatus


@pytest.fixture
def recommendations(world):
    category = Category.objects.create(name="Beteiligung", name_en="Participation")
    made = {}
    for status in RecommendationStatus.values:
        made[status] = Recommendation.objects.create(
            program=world.program,
            title=f"R {status}",
            text="Text",
            category=category,
            status=status,
        )
    accepted = made[RecommendationStatus.ACCEPTED]
    accepted.results.set([world.bonn_result_public, world.bonn_result_private])
    accepted.goals.set([world.bonn_goal_public, world.bonn_goal_private])
    accepted.workshops.set([world.bonn_event, world.bonn_draft])
    return made


def titles(response):
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_anonymous_sees_accepted_recommendations_with_public_evidence(
    anonymous, world, recommendations
):
    response = anonymous.get("/recommendations")
    assert titles(response) == ["R accepted"]
    row = response.json()["results"][0]
    assert row["category"]["name"] == "Participation"
    assert row["status_label"] == "accepted"
    assert row["evidence"] == {
        "results": [world.bonn_result_public.pk],
        "goals": [world.bonn_goal_public.pk],
        "events": [world.bonn_event.pk],
    }
    draft = recommendations[RecommendationStatus.DRAFT]
    assert anonymous.get(f"/recommendations/{draft.pk}").status_code == 404


def test_a_coordinator_of_the_program_sees_all_statuses_and_their_evidence(
    bonn_api, world, recommendations
):
    assert len(titles(bonn_api.get("/recommendations"))) == 4
    accepted = recommendations[RecommendationStatus.ACCEPTED]
    evidence = bonn_api.get(f"/recommendations/{accepted.pk}").json()["evidence"]
    assert len(evidence["results"]) == len(evidence["goals"]) == len(evidence["events"]) == 2
    assert titles(bonn_api.get("/recommendations", {"status": "in_review"})) == ["R in_review"]


def test_a_coordinator_outside_the_program_sees_accepted_ones(client, recommendations):
    from bruecken.accounts.models import Role
    from bruecken.accounts.tests.factories import user_with_role
    from bruecken.places.tests.factories import MunicipalityFactory

    from .conftest import Api, make_token

    other = user_with_role(Role.COORDINATOR, municipality=MunicipalityFactory(ags="09162000"))
    assert titles(Api(client, make_token(other)).get("/recommendations")) == ["R accepted"]


def test_filters_and_query_count(anonymous, world, recommendations, django_assert_max_num_queries):
    assert titles(anonymous.get("/recommendations", {"program": world.program.pk + 1})) == []
    assert anonymous.get("/recommendations", {"status": "maybe"}).status_code == 422
    with django_assert_max_num_queries(5):
        anonymous.get("/recommendations")
