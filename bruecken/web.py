"""View helpers every app's views share: the staff-area gate, the permission check, the
filtered list page, the form page that lets a service save and shows its refusals, and the
confirmation page before what cannot be undone."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_htmx.http import push_url

from bruecken import fulltext
from bruecken.permissions import require
from bruecken.translation import is_english, localized, shows_german


def staff_area(view):
    """Logged in, and holding a role that works with the registry."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(request.user, "accounts.access_staff_area")
        return view(request, *args, **kwargs)

    return wrapped


def apply_form_error(form, error):
    """Show a service's ValidationError on the form it came from. An error that points to an
    object (`error.link`: address and text, e.g. a duplicate) shows a link to it."""
    link = getattr(error, "link", None)
    if link:
        message = format_html('{} <a href="{}">{}</a>', error.messages[0], *link)
        field = getattr(error, "field", None)
        form.add_error(field if field in form.fields else None, message)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_page(request, form, template, context, save, success=None, success_url=None):
    """Validate the form, let the service save, and show the service's refusals on the form.
    After saving: a message and a redirect to `success_url` (an address, or a function of what
    `save` returned), else to what `save` returned."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as error:
            apply_form_error(form, error)
        else:
            messages.success(request, success or _("Saved."))
            if success_url is None:
                return redirect(obj)
            return redirect(success_url(obj) if callable(success_url) else success_url)
    return render(request, template, {**context, "form": form})


def list_page(request, filter_form, build_queryset, template, partial, context=None):
    """A filtered, paginated list; only the results when htmx asks for them."""
    filter_form.is_valid()
    # Filters that do not validate are ignored (and shown with their error); the rest apply.
    data = {k: v for k, v in filter_form.cleaned_data.items() if k not in filter_form.errors}
    page = fulltext.Paginator(build_queryset(data), settings.ACTOR_LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {**(context or {}), "filter_form": filter_form, "page": page}
    # Back/forward after an in-place update asks htmx for the whole page again.
    only_results = request.htmx and not request.htmx.history_restore_request
    response = render(request, partial if only_results else template, context)
    patch_vary_headers(response, ["HX-Request"])
    if only_results:
        # The address bar shows the filters in use, not every empty field of the form.
        query = request.GET.copy()
        for key in [key for key, values in query.lists() if not any(values)]:
            del query[key]
        push_url(response, f"{request.path}?{query.urlencode()}" if query else request.path)
    return response


def german(text):
    """German free text (no English version exists) for a message: on a page in another
    language it carries lang="de" (WCAG 3.1.2)."""
    if is_english():
        return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, text)
    return text


def content(obj, field):
    """A content field for a message: its version in the page's language, else the German
    text, marked as such."""
    value = localized(obj, field)
    return german(value) if shows_german(obj, field) else value


def fill(message, **values):
    """A translated message with its `%(name)s` placeholders filled in, as HTML: the values
    escaped unless they are HTML already (from `german` or `content`)."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(conditional_escape(message) % escaped)  # noqa: S308 (all escaped)


# The field the confirmation page's button sends; without it nothing irreversible happens.
CONFIRM_FIELD = "confirm"


def confirm_first(
    request,
    act,
    *,
    question,
    consequence,
    confirm,
    back_url,
    carry=(),
    template="confirm.html",
    context=None,
):
    """Ask before what cannot be undone. A GET, or a POST without the confirmation field (a
    one-click button, a form sent again from the history), shows a page that names the
    consequence, with a button that confirms and a link back: plain HTML, so it works without
    JavaScript and with the keyboard. The POST from that page runs `act()` and returns its
    response. `carry` names fields of the request (such as `next`) the page passes on; a
    `template` extending confirm.html may add a breadcrumb from `context`."""
    if request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes":
        return act()
    data = request.POST if request.method == "POST" else request.GET
    carried = [(name, value) for name in carry for value in data.getlist(name)]
    context = {
        **(context or {}),
        "question": question,
        "consequence": consequence,
        "confirm_label": confirm,
        "back_url": back_url,
        "carried": carried,
        "confirm_field": CONFIRM_FIELD,
    }
    return render(request, template, context)


def confirm_then(request, act, *, done, then, **page):
    """`confirm_first` for the usual case: once confirmed, `act()`, say `done` and go to `then`
    (what `redirect` takes: an object, a URL name, an address). `page`: the arguments of the
    confirmation page."""

    def run():
        act()
        messages.success(request, done)
        return redirect(then)

    return confirm_first(request, run, **page)
