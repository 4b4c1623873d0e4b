"""Periodic work: a registry each app adds its own steps to (in its AppConfig.ready), run by
`bruecken worker` every few minutes or by cron (`bruecken housekeeping`).

Each step takes `now` and returns a count; steps must be idempotent and safe with several
workers at once, so running too often costs a few queries and running late only delays."""

import logging

from django.utils import timezone

logger = logging.getLogger(__name__)

# name -> (step, what its count means, for the command's report)
STEPS = {}


def register(name, step, counts=""):
    STEPS[name] = (step, counts or name.replace("_", " "))


def run(now=None):
    """Run every step; one failing does not stop the others. Returns the counts per step and
    the names of the steps that failed."""
    now = now or timezone.now()
    counts, failed = {}, []
    for name, (step, _label) in STEPS.items():
        try:
            counts[name] = step(now=now)
        except Exception:
            logger.exception("Housekeeping step %s failed", name)
            failed.append(name)
    return counts, failed
