"""What events are found by in the full-text search (bruecken/fulltext/)."""

from bruecken import fulltext

from .models import Event


def register():
    fulltext.register(
        Event,
        number=3,
        name=["title", "title_en"],
        public=["description", "description_en", "topic", "venue"],
    )
