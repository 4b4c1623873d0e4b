import datetime

import pytest
from django.utils import timezone

from bruecken.demo.guide import create_demo_guide
from bruecken.guide.models import Category, Recommendation, RecommendationStatus


@pytest.mark.django_db
def test_demo_without_completed_process_creates_categories_only():
    assert create_demo_guide() == []
    assert Category.objects.count() == 7
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_demo_proposes_from_the_completed_process(process, bonn_facilitator, bonn_coordinator):
    created = create_demo_guide()
    assert len(created) == 2
    assert {r.status for r in created} == {
        RecommendationStatus.DRAFT,
        RecommendationStatus.IN_REVIEW,
    }
    assert all(r.created_by == bonn_facilitator for r in created)
    assert all(r.results.exists() for r in created)
    assert create_demo_guide() == []
    assert Recommendation.objects.count() == 2


@pytest.mark.django_db
def test_demo_skips_a_process_with_workshops_to_come(process):
    workshop = process.test_workshops[-1]
    workshop.starts_at = timezone.now() + datetime.timedelta(days=3)
    workshop.ends_at = workshop.starts_at + datetime.timedelta(hours=2)
    workshop.save()
    assert create_demo_guide() == []
