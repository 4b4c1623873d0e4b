import pytest

from bruecken.programs.models import GoalRating, Rating


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_anonymous_sees_public_goals_without_non_public_organisations(anonymous, world):
    goals = rows(anonymous.get("/goals"))
    assert [goal["title"] for goal in goals] == ["Public goal"]
    assert goals[0]["responsible"] is None
    assert goals[0]["municipality"]["name"] == "Bonn"
    assert anonymous.get(f"/goals/{world.bonn_goal_private.pk}").status_code == 404


def test_a_coordinator_sees_their_goals_and_the_responsible_organisation(bonn_api, world):
    goals = rows(bonn_api.get("/goals"))
    assert [goal["title"] for goal in goals] == ["Public goal", "Internal goal"]
    assert goals[0]["responsible"]["name"] == "Bonn Private e.V."


def test_kiel_does_not_see_bonns_internal_goals(kiel_api, world):
    titles = [goal["title"] for goal in rows(kiel_api.get("/goals"))]
    assert titles == ["Public goal", "Kiel internal goal"]


def test_goal_rating(anonymous, world):
    GoalRating.objects.create(
        goal=world.bonn_goal_public, workshop=world.bonn_event, rating=Rating.PARTLY
    )
    goal = anonymous.get(f"/goals/{world.bonn_goal_public.pk}").json()
    assert goal["rating"] == "partly" and goal["rating_label"] == "partly achieved"


def test_goal_filters(office_api, world, kiel):
    assert [g["title"] for g in rows(office_api.get("/goals", {"municipality": kiel.pk}))] == [
        "Kiel internal goal"
    ]
    assert len(rows(office_api.get("/goals", {"program": world.program.pk}))) == 3
    assert rows(office_api.get("/goals", {"program": world.program.pk + 1})) == []


def test_anonymous_sees_public_results_with_visible_links_only(anonymous, world):
    results = rows(anonymous.get("/results"))
    assert [r["text"] for r in results] == ["Public result"]
    assert results[0]["goals"] == [world.bonn_goal_public.pk]
    assert results[0]["organisations"] == [{"id": world.bonn_public.pk, "name": "Bonn Public e.V."}]
    assert anonymous.get(f"/results/{world.bonn_result_private.pk}").status_code == 404


def test_a_coordinator_sees_their_results(bonn_api, kiel_api, world):
    results = rows(bonn_api.get("/results"))
    assert [r["text"] for r in results] == ["Public result", "Internal result"]
    assert len(results[0]["goals"]) == 2 and len(results[0]["organisations"]) == 2
    assert kiel_api.get(f"/results/{world.bonn_result_private.pk}").status_code == 404


def test_result_filters(office_api, world):
    assert len(rows(office_api.get("/results", {"kind": "lesson"}))) == 2
    assert len(rows(office_api.get("/results", {"status": "done"}))) == 0
    assert office_api.get("/results", {"status": "finished"}).status_code == 422


@pytest.mark.parametrize("path,most", [("/goals", 2), ("/results", 4)])
def test_lists_need_a_fixed_number_of_queries(
    anonymous, world, path, most, django_assert_max_num_queries
):
    from bruecken.programs.models import Goal, Result

    process = world.bonn_goal_public.process
    for number in range(10):
        goal = Goal.objects.create(
            process=process, title=f"G{number}", indicator="i", is_public=True
        )
        result = Result.objects.create(
            workshop=world.bonn_event, kind="agreement", text=f"R{number}", is_public=True
        )
        result.goals.set([goal])
        result.organisations.set([world.bonn_public])
    with django_assert_max_num_queries(most):
        assert len(rows(anonymous.get(path))) >= 11


def test_english_versions_are_given_beside_the_german(anonymous, world):
    """Goals and results carry their English versions (empty where none was written)."""
    goal = world.bonn_goal_public
    goal.title_en = "Public goal in English"
    goal.save()
    (row,) = rows(anonymous.get("/goals"))
    assert (row["title"], row["title_en"]) == ("Public goal", "Public goal in English")
    assert row["description_en"] == row["indicator_en"] == ""
    assert all(result["text_en"] == "" for result in rows(anonymous.get("/results")))
