from io import StringIO

import pytest
from django.core.management import call_command

from bruecken.guide.models import Edition, Recommendation


@pytest.mark.django_db
def test_bench_guide_runs_and_leaves_nothing_behind():
    out = StringIO()
    call_command("bench_guide", municipalities=2, recommendations=3, stdout=out)
    text = out.getvalue()
    assert "ratio ours / WeasyPrint alone" in text
    assert "pages: " in text
    assert "target: PDF build ≤ 20 s" in text
    assert not Edition.objects.exists()
    assert not Recommendation.objects.exists()
