from django.urls import reverse
from django.utils import translation

from bruecken.links import path_for_id


def test_the_path_is_the_reversed_one_for_every_id():
    for language in ["de", "en"]:
        with translation.override(language):
            path = path_for_id("website:organisation")
            for pk in [1, 10, 987654321]:
                assert path(pk) == reverse("website:organisation", args=[pk])
