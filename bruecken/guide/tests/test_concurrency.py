"""Two publications at once: different numbers, never the same one twice (PostgreSQL, where
writers really run in parallel)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections  # noqa: F401 (the skipif condition)

from bruecken.guide import services
from bruecken.guide.models import Edition


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_publications_get_distinct_numbers(office, program, accepted, private_files):
    editions = [
        services.create_edition(office, program, {"title": f"Ausgabe {n}"}) for n in range(4)
    ]
    barrier = threading.Barrier(len(editions))
    outcomes = []

    def publish(edition):
        try:
            barrier.wait()
            services.publish_edition(office, edition)
            outcomes.append("published")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(edition,)) for edition in editions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The first to lock the program publishes; the others find its build under way and are
    # told to wait (a clear refusal, not an error).
    assert set(outcomes) <= {"published", "refused"}, outcomes
    assert outcomes.count("published") >= 1
    numbers = list(Edition.objects.filter(number__isnull=False).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    # One after the other, each gets the next number.
    for edition in Edition.objects.filter(number__isnull=True):
        services.publish_edition(office, edition)
    numbers = sorted(Edition.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(editions) + 1))
