"""Is this server alive, and ready for requests? And the answer while a shared service is down.

/healthz: the process answers (touching nothing else), for restarting a server that hangs.
/readyz: what every request needs answers from this server – each database, the cache, each
file storage – and how long tasks wait for a worker; 503 tells a load balancer to send requests
elsewhere. Both are public, read afresh on each call, and name only the kind of a failure (the
details, such as host names, go to the log).

A request that finds Redis (REDIS_URL) down answers a short 503 page with Retry-After
(`server_error`, the project's handler500) rather than a server error, and works again as soon
as Redis is back: the connection is made anew on the next request. Requests read the cache
before they write (the session, the page cache, the rate limits of the forms and sign-in), and
an error inside a service's transaction rolls it back, so an outage leaves nothing half-written."""

import logging
import sys
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connections
from django.db.models import Count, Min, Q
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bruecken import storage

logger = logging.getLogger(__name__)

# Connection refused, reset or timed out (ConnectionError includes Redis still loading its data).
# The shared cache or the object store cannot be reached: the request cannot be answered now,
# which is a 503 ("try again shortly"), not a bug (500).
OUTAGES = (RedisConnectionError, RedisTimeoutError, *storage.UNAVAILABLE)
RETRY_AFTER_SECONDS = 30
PROBE = "readyz-probe"


class Unavailable(Exception):
    """A check's failure, as /readyz reports it."""


def failure(error):
    return str(error) if isinstance(error, Unavailable) else type(error).__name__


def check_databases():
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            raise Unavailable(f"{alias}: {type(error).__name__}") from error


def check_cache():
    key = f"{PROBE}:{uuid.uuid4().hex}"
    cache.set(key, "ok", 30)
    try:
        if cache.get(key) != "ok":
            raise Unavailable("a value written could not be read back")
    finally:
        cache.delete(key)


def check_storages():
    """Every file storage but the static files (served by WhiteNoise from the server's own disk),
    whatever backends the settings give them: an answer, even "no such file", is reachable."""
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        try:
            storages[alias].exists(PROBE)
        except Exception as error:
            raise Unavailable(f"{alias}: {type(error).__name__}") from error


def queue_figures(now=None):
    """Tasks waiting for a worker (ready to run now), how long the oldest of them has waited
    since it became due, and tasks running: one query."""
    if not apps.is_installed("django_tasks_db"):
        return {"ready": 0, "oldest_ready_seconds": 0, "running": 0}
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    never = get_date_max()  # the run_after of a task to run as soon as possible
    waiting, running = TaskResultStatus.READY, TaskResultStatus.RUNNING
    ready = Q(status=waiting) & (Q(run_after=never) | Q(run_after__lte=now))
    figures = DBTaskResult.objects.filter(status__in=[waiting, running]).aggregate(
        ready=Count("pk", filter=ready),
        running=Count("pk", filter=Q(status=running)),
        oldest_queued=Min("enqueued_at", filter=ready & Q(run_after=never)),
        oldest_due=Min("run_after", filter=ready & ~Q(run_after=never)),
    )
    since = [moment for moment in (figures["oldest_queued"], figures["oldest_due"]) if moment]
    waited = (now - min(since)).total_seconds() if since else 0
    return {
        "ready": figures["ready"],
        "oldest_ready_seconds": round(max(0.0, waited), 1),
        "running": figures["running"],
    }


def readiness():
    """(ready?, the checks' results) as /readyz reports them."""
    checks = {}
    ready = True
    for name, check in (
        ("database", check_databases),
        ("cache", check_cache),
        ("storage", check_storages),
    ):
        try:
            check()
        except Exception as error:
            # One line per probe while a service is down, with what the answer leaves out.
            logger.warning("Readiness check %s failed: %r", name, error.__cause__ or error)
            checks[name] = f"unavailable: {failure(error)}"
            ready = False
        else:
            checks[name] = "ok"
    try:
        queue = queue_figures()
    except Exception as error:
        logger.warning("Readiness check queue failed: %r", error)
        checks["queue"] = f"unavailable: {failure(error)}"
        return False, checks
    limit = settings.READYZ_MAX_QUEUE_LAG_SECONDS
    if limit > 0 and queue["oldest_ready_seconds"] > limit:
        queue["error"] = (
            f"the oldest ready task has waited {queue['oldest_ready_seconds']:g} s, "
            f"more than READYZ_MAX_QUEUE_LAG_SECONDS ({limit})"
        )
        ready = False
    checks["queue"] = queue
    return ready, checks


@require_safe
@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@require_safe
@never_cache
def readyz(request):
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def is_outage(error):
    """Was `error` caused by the shared cache or the object store being unreachable (also where
    something caught the connection error and raised another)?"""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OUTAGES):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def unavailable():
    # Rendered without the request: its context processors would read the session, in the cache.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: 503 while Redis or the object store is unreachable, Django's 500 page
    otherwise."""
    if is_outage(sys.exc_info()[1]):
        return unavailable()
    return defaults.server_error(request, template_name)
