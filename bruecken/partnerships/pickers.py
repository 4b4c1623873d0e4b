"""The partnerships' picker source (bruecken/pickers.py): the first side of an introduction,
searched and shown like the organisations' source but limited to what `propose` accepts."""

from bruecken import pickers
from bruecken.actors.models import Organisation

from .introductions import first_choices


def _organisations():
    # Looked up when used: the actors app registers its source in its own ready().
    return pickers.source("organisations")


def register():
    pickers.register(
        "introduction_first",
        model=Organisation,
        objects=first_choices,
        search=lambda queryset, text: _organisations().search(queryset, text),
        label=lambda organisation: _organisations().label(organisation),
        hint=lambda organisation: _organisations().hint(organisation),
        related=("municipality",),
    )
