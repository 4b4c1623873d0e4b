"""Public pages cached per language and content version.

Any change to what the public site shows (a saved or deleted organisation, event, page…) counts
the content version up once its transaction commits; cached pages are keyed by that version, so a
change (withdrawn consent, say) is visible at once in every process, whichever cache backend each
one uses."""

import hashlib
import threading
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from .models import ContentVersion

# The guide too: its editions are public, and the composer keeps a draft's content by this
# version (guide/compose.py `composed`); and the apps whose figures per municipality
# (bruecken/figures.py) a draft's municipalities chapter may show.
WATCHED_APPS = {
    "places",
    "actors",
    "programs",
    "events",
    "website",
    "guide",
    "partnerships",
    "advisory",
}
# Saved often, never shown on the public site (nor in a guideline's figures).
IGNORED_MODELS = {"website.contactmessage", "guide.reviewcomment", "partnerships.match"}


def current_version():
    return ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def bump():
    if ContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            ContentVersion.objects.create(pk=1, value=1)
    except IntegrityError:
        # Another process created the row first.
        ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)


class _PendingBump:
    """The count up that a transaction's changes wait for: run once, however many of them
    queued it (thousands of rows in an import)."""

    done = False

    def __call__(self):
        if not self.done:
            self.done = True
            bump()


_pending = threading.local()


def queue_bump():
    """Count up once the current transaction commits; nothing if it rolls back.

    Each change queues the same callback, so that a savepoint rolled back takes only its own
    changes' turn with it; the first of them to run counts up, the others find it done."""
    pending = getattr(_pending, "bump", None)
    if pending is None or pending.done:
        pending = _pending.bump = _PendingBump()
    transaction.on_commit(pending)


def _changed(sender, **kwargs):
    if sender._meta.app_label in WATCHED_APPS and sender._meta.label_lower not in IGNORED_MODELS:
        queue_bump()


def connect_signals():
    post_save.connect(_changed, dispatch_uid="website-content-save")
    post_delete.connect(_changed, dispatch_uid="website-content-delete")
    m2m_changed.connect(_changed, dispatch_uid="website-content-m2m")


def cached_for_version(name, compute):
    """`compute()`, kept until the content changes (per language): for parts that many
    different pages share, such as the directory's select lists."""
    seconds = settings.WEBSITE_CACHE_SECONDS
    if not seconds:
        return compute()
    key = f"website:{name}:{current_version()}:{get_language()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _cacheable_request(request):
    # Anyone with a session (logged in, or with a message waiting) sees a page of their own.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page with a form carries a CSRF token bound to one visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cached_page(view):
    """Serve the anonymous visitor's page from the cache, per language, path and query."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.WEBSITE_CACHE_SECONDS
        if not seconds or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        # An htmx request gets the page's fragment, not the page.
        fragment = (
            "htmx"
            if request.headers.get("HX-Request")
            and not request.headers.get("HX-History-Restore-Request")
            else "page"
        )
        key = f"website:{current_version()}:{get_language()}:{request.method}:{fragment}:{digest}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if _cacheable_response(request, response):
                cache.set(key, response, seconds)
        return response

    return wrapper
