"""Fixtures shared by the partnerships tests (the introduction tests' world: Leipzig's
partnership with Addis Abeba, its carrying organisation, an Ethiopian association)."""

from .introduction_helpers import (  # noqa: F401 (fixtures)
    city_office,
    coordinator,
    diaspora,
    ethiopia,
    leipzig,
    partnership,
    site_url,
)
