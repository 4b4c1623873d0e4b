"""Helpers for the apps' tests."""

import threading

from django.db import connections
from django.urls import reverse
from django.utils import translation


def url_maker(namespace, language):
    """A test module's `url(name, *args, language=...)`: the address of the namespace's page
    `name` (with no namespace, `name` names it in full), in `language` unless the call names
    another."""
    prefix = f"{namespace}:" if namespace else ""

    def url(name, *args, language=language):
        with translation.override(language):
            return reverse(prefix + name, args=args)

    return url


def at_once(calls, refusals):
    """Run each of `calls` in a thread of its own, all starting together (a barrier), each with
    its own database connection: what concurrent requests do. Returns each call's outcome, in
    the order they ended: "done", the name of the refusal it raised (one of `refusals`, e.g.
    "ValidationError") or the repr of any other exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except refusals as refusal:
            outcomes.append(type(refusal).__name__)
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
