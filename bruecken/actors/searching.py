"""What organisations and people are found by in the full-text search (bruecken/fulltext/):
the many-to-many fields contribute their rows' German and English names ("Äthiopien",
"Ethiopia")."""

from bruecken import fulltext

from .models import Organisation, Person


def register():
    # All of an organisation that the search covers is shown wherever it is seen.
    fulltext.register(
        Organisation,
        number=1,
        name=["name"],
        public=[
            "description",
            "description_en",
            "competences",
            "competences_en",
            "email",
            "countries",
            "languages",
            "topics",
            "engagement_forms",
        ],
        order="name_key",
    )
    # A person's countries only those who see private details read (`search_as`); their e-mail
    # address is in no document: it is found whole, by those who may read it (`search_as`).
    fulltext.register(
        Person,
        number=2,
        name=["name"],
        public=["competences", "languages"],
        private=["countries"],
        order="name",
    )
