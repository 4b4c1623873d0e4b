"""What goals and results are found by in the full-text search (bruecken/fulltext/)."""

from bruecken import fulltext

from .models import Goal, Result


def register():
    fulltext.register(
        Goal,
        number=4,
        name=["title", "title_en"],
        public=["description", "description_en", "indicator", "indicator_en"],
    )
    fulltext.register(Result, number=5, name=["text", "text_en"])
