"""The guideline benchmark (`make bench-guide`), at a size that runs in seconds."""

import pytest

from bruecken.guide.models import Edition, Recommendation

from .helpers import run


@pytest.mark.django_db
def test_bench_guide_runs_and_leaves_nothing_behind():
    text = run("guide", municipalities=2, recommendations=3)
    assert "ratio ours / WeasyPrint alone" in text
    assert "pages: " in text
    assert "target: PDF build ≤ 20 s" in text
    assert not Edition.objects.exists()
    assert not Recommendation.objects.exists()
