"""The website's picker source (bruecken/pickers.py): uploaded pictures as far as the user may
see them (the one rule, `Image.objects.visible_to`), found by their text alternative."""

from bruecken import pickers

from .models import Image


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
