"""What recommendations are found by in the full-text search (bruecken/fulltext/)."""

from bruecken import fulltext

from .models import Recommendation


def register():
    fulltext.register(Recommendation, number=6, name=["title"], public=["text"])
