"""Two publications at once: different numbers, never the same one twice (PostgreSQL, where
writers really run in parallel)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401 (the skipif condition)

from bruecken.guide import services
from bruecken.guide.models import Edition
from bruecken.tests.helpers import at_once


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_publications_get_distinct_numbers(office, program, accepted, private_files):
    editions = [
        services.create_edition(office, program, {"title": f"Ausgabe {n}"}) for n in range(4)
    ]
    outcomes = at_once(
        [lambda edition=edition: services.publish_edition(office, edition) for edition in editions],
        ValidationError,
    )

    # The first to lock the program publishes; the others find its build under way and are
    # told to wait (a clear refusal, not an error).
    assert set(outcomes) <= {"done", "ValidationError"}, outcomes
    assert outcomes.count("done") >= 1
    numbers = list(Edition.objects.filter(number__isnull=False).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    # One after the other, each gets the next number.
    for edition in Edition.objects.filter(number__isnull=True):
        services.publish_edition(office, edition)
    numbers = sorted(Edition.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(editions) + 1))
