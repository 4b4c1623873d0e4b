"""The networking the flyer aims for: migrant organisations linked with each group of the
municipal side."""

from .groups import ADMINISTRATION, MIGRANT_ORGANISATIONS, NGOS, OTHER_INSTITUTIONS

AIMED_PAIRS = frozenset(
    frozenset((MIGRANT_ORGANISATIONS, other))
    for other in (ADMINISTRATION, NGOS, OTHER_INSTITUTIONS)
)


def is_aimed(group, other):
    return frozenset((group, other)) in AIMED_PAIRS
