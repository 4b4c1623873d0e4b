"""The pages the program office edits, the contact and accessibility feedback forms, and the
uploaded images.

Pages without a form are cached for anonymous visitors; pages with a form are not (each carries
its visitor's CSRF token)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_GET, require_http_methods

from bruecken import ratelimit
from bruecken.cache import cached_page
from bruecken.privacy import retention
from bruecken.web import apply_form_error

from .. import services
from ..forms import FeedbackForm, MessageForm, is_spam
from ..models import ContactMessage, Image, Page

# How long a published picture may be kept by caches: as long as the pages that show it.
PUBLIC_IMAGE_SECONDS = settings.WEBSITE_CACHE_SECONDS


def _published_page(**lookup):
    return get_object_or_404(Page.objects.published(), **lookup)


def _render_page(request, page, feedback_form=None, status=200, limited=False):
    return render(
        request,
        "website/page.html",
        {"page": page, "feedback_form": feedback_form, "limited": limited},
        status=status,
    )


@cached_page
def page(request, slug):
    page = _published_page(slug=slug)
    if page.purpose != Page.Purpose.OTHER:
        # One address per page: the imprint lives at its own.
        return redirect(page.get_absolute_url(), permanent=True)
    return _render_page(request, page)


@cached_page
def _purpose_page(request, purpose):
    return _render_page(request, _published_page(purpose=purpose))


def privacy_policy(request):
    """The privacy policy: the office's text, then the retention periods and the rights, made
    from the settings the housekeeping and the privacy pages apply, so that what the page says
    and what happens cannot differ. Not cached, for the same reason; shown even before the
    office has written its text (the registration form links to it)."""
    page = Page.objects.published().filter(purpose=Page.Purpose.PRIVACY).first()
    context = {
        "page": page,
        "retention_periods": retention.periods(),
        "export_hours": settings.DATA_EXPORT_HOURS,
        "link_days": settings.GUEST_DATA_LINK_DAYS,
    }
    return render(request, "website/privacy.html", context)


def purpose_page(request, purpose):
    """The imprint, privacy policy, accessibility statement or plain-language summary."""
    if purpose == Page.Purpose.ACCESSIBILITY:
        # With the feedback form: not cached.
        return _render_page(request, _published_page(purpose=purpose), FeedbackForm())
    if purpose == Page.Purpose.PRIVACY:
        return privacy_policy(request)
    return _purpose_page(request, purpose)


def _sent(request, kind):
    return render(request, "website/contact_sent.html", {"kind": kind})


def _receive(request, form, render_form):
    """Store and pass on a message: a filled-in honeypot looks like success but nothing is
    stored or sent; over the rate limit, nothing is stored either."""
    if is_spam(request.POST):
        return _sent(request, form.kind)
    if not form.is_valid():
        return render_form(form)
    if not ratelimit.allow("contact", request):
        return render_form(form, status=429, limited=True)
    try:
        services.receive_message(form.kind, form.cleaned_data, get_language())
    except ValidationError as error:
        apply_form_error(form, error)
        return render_form(form)
    return _sent(request, form.kind)


@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request):
    """Feedback on accessibility, sent from the form on the accessibility statement."""
    if request.method != "POST":
        return redirect(reverse("website:accessibility") + "#feedback")
    page = Page.objects.published().filter(purpose=Page.Purpose.ACCESSIBILITY).first()

    def render_form(form, status=200, limited=False):
        if page is None:
            return _render_contact(request, form, status, limited)
        return _render_page(request, page, form, status, limited)

    return _receive(request, FeedbackForm(request.POST), render_form)


def _render_contact(request, form, status=200, limited=False):
    return render(
        request,
        "website/contact.html",
        {
            "form": form,
            "limited": limited,
            "feedback": form.kind == ContactMessage.Kind.ACCESSIBILITY,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request):
    if request.method != "POST":
        return _render_contact(request, MessageForm())
    return _receive(
        request,
        MessageForm(request.POST),
        lambda *args, **kwargs: _render_contact(request, *args, **kwargs),
    )


def _visible_images(request):
    return Image.objects.visible_to(request.user)


def _image_changed(request, pk, name):
    # Only for a picture the reader may see: a 304 must not answer for one they may not.
    return _visible_images(request).filter(pk=pk).values_list("uploaded_at", flat=True).first()


@require_GET
@condition(last_modified_func=_image_changed)
def image(request, pk, name):
    """An uploaded picture, from our own host, for those who may see content that shows it
    (`ImageQuerySet`): to anyone when published content shows it, else to the program office;
    the rest get a 404, as for a picture that does not exist."""
    picture = get_object_or_404(_visible_images(request), pk=pk)
    if picture.file.name.rsplit("/", 1)[-1] != name:
        raise Http404
    try:
        handle = picture.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=services.content_type(picture))
    if Image.objects.public().filter(pk=pk).exists():
        # Shared caches may keep it as long as a page (an unpublished article's picture goes
        # with the page); browsers revalidate with Last-Modified after that.
        response["Cache-Control"] = f"public, max-age={PUBLIC_IMAGE_SECONDS}"
    else:
        # A draft's picture, for the program office: never kept by a shared cache.
        response["Cache-Control"] = "private, no-cache"
    return response
