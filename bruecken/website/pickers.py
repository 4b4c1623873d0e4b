"""The website's picker sources (bruecken/pickers.py): uploaded pictures as far as the user may
see them (the one rule, `Image.objects.visible_to`), found by their text alternative; and the
public directory's municipalities, countries and languages: those that occur among the
published organisations (`Organisation.objects.public`)."""

from django.db.models import Exists, OuterRef

from bruecken import pickers
from bruecken.actors.models import Organisation
from bruecken.places.models import Country, Language, Municipality

from .models import Image


def occurring(model, field):
    """The rows of `model` that some published organisation refers to through `field`."""
    used = Exists(Organisation.objects.public().filter(**{field: OuterRef("pk")}))
    return model.objects.filter(used)


def _search_images(queryset, text):
    return pickers.search_fields("alt", "alt_en", "credit")(queryset, text).order_by(
        "-uploaded_at", "-pk"
    )


def _image_hint(image):
    size = f"{image.width} × {image.height}"
    return f"{image.credit}, {size}" if image.credit else size


def register():
    pickers.register(
        "images",
        model=Image,
        objects=lambda user: Image.objects.visible_to(user),
        search=_search_images,
        label=lambda image: image.alt,
        hint=_image_hint,
    )
    for name, of, model, field in (
        ("directory-municipalities", "municipalities", Municipality, "municipality"),
        ("directory-countries", "countries", Country, "countries"),
        ("directory-languages", "languages", Language, "languages"),
    ):
        pickers.register_part(
            name, of=of, objects=lambda user, model=model, field=field: occurring(model, field)
        )
