"""The program office's editorial area: news, pages, images and the messages from the public
forms. Views check the rule, validate, and call the service."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.markup import content_problems
from bruecken.permissions import require
from bruecken.web import apply_form_error

from .. import services
from ..forms import ImageForm, NewsArticleForm, PageForm
from ..models import ContactMessage, Image, NewsArticle, Page

LIST_SIZE = 25
# The fields a preview shows, per language.
PREVIEW_FIELDS = ("title", "summary", "body")


def editorial_area(view):
    """Logged in, and working for the program office."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(request.user, services.EDIT_WEBSITE)
        return view(request, *args, **kwargs)

    return wrapped


@editorial_area
def overview(request):
    news = Paginator(
        NewsArticle.objects.select_related("updated_by").order_by("-published_at", "-pk"),
        LIST_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "website/editorial/overview.html",
        {
            "news": news,
            "pages": Page.objects.select_related("updated_by").order_by("title"),
            "unhandled": ContactMessage.objects.filter(handled_at__isnull=True).count(),
            "image_count": Image.objects.count(),
        },
    )


def _preview(data):
    """The texts of a form as they will look, German and English, with what would keep them
    from being saved. None when there is nothing to show."""
    versions = []
    for language, suffix in (("de", ""), ("en", "_en")):
        texts = {name: (data.get(name + suffix) or "").strip() for name in PREVIEW_FIELDS}
        if any(texts.values()):
            versions.append(
                {
                    "language": language,
                    **texts,
                    "problems": content_problems(texts["body"]),
                }
            )
    return versions


# Per kind of content: its form's template and the name the template knows the item by.
FORM_PAGES = {
    NewsArticle: ("website/editorial/news_form.html", "article"),
    Page: ("website/editorial/page_form.html", "page"),
}


def _content_form(request, form_class, item, write):
    """Write a news article or a page (`item`; None: a new one) through the service, or, with
    the Preview button, show the text as it will look."""
    model = form_class._meta.model
    template, name = FORM_PAGES[model]
    # The form edits a copy, so that the page shows the saved title while it is edited.
    instance = model.objects.get(pk=item.pk) if item is not None else None
    form = form_class(request.POST or None, instance=instance)
    preview = None
    if request.method == "POST":
        if "preview" in request.POST:
            form.is_valid()
            preview = _preview(request.POST)
        elif form.is_valid():
            try:
                if item is None:
                    saved = write(request.user, form.cleaned_data)
                else:
                    saved = write(request.user, item, form.cleaned_data)
            except ValidationError as error:
                apply_form_error(form, error)
            else:
                messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
                return redirect("website:editorial")
    return render(request, template, {name: item, "form": form, "preview": preview})


@editorial_area
def news_create(request):
    return _content_form(request, NewsArticleForm, None, services.create_news_article)


@editorial_area
def news_update(request, pk):
    article = get_object_or_404(NewsArticle, pk=pk)
    return _content_form(request, NewsArticleForm, article, services.update_news_article)


@editorial_area
def page_create(request):
    return _content_form(request, PageForm, None, services.create_page)


@editorial_area
def page_update(request, pk):
    page = get_object_or_404(Page, pk=pk)
    return _content_form(request, PageForm, page, services.update_page)


@editorial_area
@require_POST
def preview(request):
    """The preview alone, for htmx to put in place below the form."""
    return render(
        request, "website/editorial/_preview.html", {"preview": _preview(request.POST), "oob": True}
    )


@editorial_area
def image_list(request):
    """Upload a picture; the pictures with the Markdown snippet that shows each."""
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            image = services.upload_image(request.user, form.cleaned_data)
        except ValidationError as error:
            apply_form_error(form, error)
        else:
            messages.success(
                request,
                _("The picture is uploaded. Insert it with: %(snippet)s")
                % {"snippet": services.markdown_snippet(image)},
            )
            return redirect("website:editorial_images")
    images = Paginator(Image.objects.order_by("-uploaded_at", "-pk"), LIST_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "website/editorial/images.html", {"form": form, "page": images})


@editorial_area
def message_list(request):
    """Unhandled messages first (or all of them, with ?show=all)."""
    show_all = request.GET.get("show") == "all"
    queryset = ContactMessage.objects.select_related("handled_by")
    if not show_all:
        queryset = queryset.filter(handled_at__isnull=True)
    page = Paginator(queryset.order_by("-received_at", "-pk"), LIST_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "website/editorial/messages.html",
        {
            "page": page,
            "show_all": show_all,
            "retention_days": settings.CONTACT_MESSAGE_RETENTION_DAYS,
        },
    )


@editorial_area
@require_POST
def message_handled(request, pk):
    message = get_object_or_404(ContactMessage, pk=pk)
    try:
        services.mark_message_handled(request.user, message)
    except ValidationError as error:
        messages.warning(request, error.messages[0])
    else:
        messages.success(request, _("The message is marked as handled."))
    return redirect(reverse("website:editorial_messages"))
