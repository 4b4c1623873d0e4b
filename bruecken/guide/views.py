"""Recommendations, their review, the edition composer and the published guideline. Views
check the rule and call the service; published editions are public documents."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bruecken.accounts.audit import history
from bruecken.accounts.history import describe_entries
from bruecken.accounts.rules import is_program_office
from bruecken.permissions import require
from bruecken.programs.models import Program
from bruecken.web import confirm_first, content, fill, form_page, staff_area

from . import redaction, services
from .compare import compare
from .compose import composed
from .forms import (
    CategoryForm,
    ChapterForm,
    CommentForm,
    CompareForm,
    EditionForm,
    NewEditionForm,
    RecommendationForm,
    ReviewForm,
)
from .models import (
    Category,
    Chapter,
    Edition,
    Recommendation,
    RecommendationStatus,
)
from .render import render_body


def _attempt(request, action, success=None):
    """Run a service action from a POST button: its refusals become error messages. Returns
    whether it succeeded."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    if success:
        messages.success(request, success)
    return True


# Recommendations


@staff_area
def recommendation_list(request):
    require(request.user, "guide.propose_recommendation")
    recommendations = (
        Recommendation.objects.visible_to(request.user)
        .select_related("category", "program", "created_by")
        .annotate(
            evidence=Count("results", distinct=True)
            + Count("goals", distinct=True)
            + Count("workshops", distinct=True)
        )
        .order_by("program", "category__position", "category__name", "title", "pk")
    )
    status = request.GET.get("status", "")
    if status in RecommendationStatus.values:
        recommendations = recommendations.filter(status=status)
    return render(
        request,
        "guide/recommendation_list.html",
        {
            "recommendations": recommendations,
            "statuses": RecommendationStatus.choices,
            "status": status,
            "is_office": is_program_office(request.user),
        },
    )


@staff_area
def recommendation_new(request):
    """Choose the program, when the user works in more than one."""
    programs = list(Program.objects.visible_to(request.user).order_by("-starts_on", "name"))
    if not programs:
        raise PermissionDenied
    if len(programs) == 1:
        return redirect("guide:recommendation_create", programs[0].pk)
    return render(request, "guide/recommendation_new.html", {"programs": programs})


@staff_area
def recommendation_create(request, program_pk):
    program = get_object_or_404(Program, pk=program_pk)
    require(request.user, "guide.propose_recommendation", program)
    return form_page(
        request,
        RecommendationForm(request.POST or None, user=request.user, program=program),
        "guide/recommendation_form.html",
        {"program": program, "recommendation": None},
        lambda values: services.propose_recommendation(request.user, program, values),
        _("The recommendation was saved as a draft."),
    )


def _recommendation(request, pk):
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("program", "category", "created_by"), pk=pk
    )
    require(request.user, "guide.view_recommendation", recommendation)
    return recommendation


@staff_area
def recommendation_detail(request, pk):
    recommendation = _recommendation(request, pk)
    user = request.user
    return render(
        request,
        "guide/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "results": recommendation.results.select_related(
                "workshop__process__municipality"
            ).order_by("pk"),
            "goals": recommendation.goals.select_related(
                "process__municipality", "rating"
            ).order_by("pk"),
            "workshops": recommendation.workshops.select_related("process__municipality").order_by(
                "starts_at", "pk"
            ),
            "comments": recommendation.comments.select_related("author"),
            "history": describe_entries(history(recommendation)[:50])
            if is_program_office(user)
            else [],
            "can_edit": user.has_perm("guide.edit_recommendation", recommendation),
            "can_submit": recommendation.status == RecommendationStatus.DRAFT
            and user.has_perm("guide.submit_recommendation", recommendation),
            "can_review": user.has_perm("guide.review_recommendation", recommendation),
            "review_form": ReviewForm(),
            "comment_form": CommentForm(),
        },
    )


@staff_area
def recommendation_edit(request, pk):
    recommendation = _recommendation(request, pk)
    require(request.user, "guide.edit_recommendation", recommendation)
    form = RecommendationForm(
        request.POST or None,
        instance=recommendation,
        user=request.user,
        program=recommendation.program,
    )
    return form_page(
        request,
        form,
        "guide/recommendation_form.html",
        {"program": recommendation.program, "recommendation": recommendation},
        lambda values: services.update_recommendation(
            request.user, Recommendation.objects.get(pk=pk), values
        ),
        _("The recommendation was saved."),
    )


@staff_area
@require_POST
def recommendation_submit(request, pk):
    recommendation = _recommendation(request, pk)
    _attempt(
        request,
        lambda: services.submit_recommendation(request.user, recommendation),
        _("The recommendation was submitted for review."),
    )
    return redirect(recommendation)


@staff_area
def recommendation_review(request, pk):
    recommendation = _recommendation(request, pk)
    require(request.user, "guide.review_recommendation", recommendation)

    def review(values):
        return services.review_recommendation(
            request.user, recommendation, values["decision"], values["comment"]
        )

    response = form_page(
        request,
        ReviewForm(request.POST or None),
        "guide/review_form.html",
        {"recommendation": recommendation},
        review,
        _("The decision was recorded."),
    )
    if request.method == "POST" and response.status_code == 200:
        # The form came back with its errors.
        response.status_code = 400
    return response


@staff_area
@require_POST
def recommendation_comment(request, pk):
    recommendation = _recommendation(request, pk)
    require(request.user, "guide.review_recommendation", recommendation)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_recommendation(request.user, recommendation, form.cleaned_data["comment"])
        messages.success(request, _("The comment was saved."))
    else:
        messages.error(request, _("Write a comment."))
    return redirect(recommendation)


# Categories


@staff_area
def category_list(request):
    require(request.user, "guide.manage_categories")

    def create(values):
        services.create_category(request.user, values)
        return "guide:category_list"

    categories = Category.objects.annotate(count=Count("recommendations")).order_by(
        "position", "name"
    )
    return form_page(
        request,
        CategoryForm(request.POST or None),
        "guide/category_list.html",
        {"categories": categories},
        create,
        _("The category was added."),
    )


@staff_area
def category_edit(request, pk):
    require(request.user, "guide.manage_categories")
    category = get_object_or_404(Category, pk=pk)

    def update(values):
        services.update_category(request.user, Category.objects.get(pk=pk), values)
        return "guide:category_list"

    return form_page(
        request,
        CategoryForm(request.POST or None, instance=category),
        "guide/category_form.html",
        {"category": category},
        update,
        _("The category was saved."),
    )


@staff_area
@require_http_methods(["GET", "POST"])
def category_delete(request, pk):
    require(request.user, "guide.manage_categories")
    category = get_object_or_404(Category, pk=pk)

    def act():
        _attempt(
            request,
            lambda: services.delete_category(request.user, category),
            _("The category was deleted."),
        )
        return redirect("guide:category_list")

    return confirm_first(
        request,
        act,
        question=fill(_("Delete the category “%(name)s”?"), name=content(category, "name")),
        consequence=_("The category is removed from the list. This cannot be undone."),
        confirm=_("Delete category"),
        back_url=reverse("guide:category_list"),
    )


# Editions


def edition_list(request):
    """Published editions for everyone; drafts too for the program office."""
    editions = (
        Edition.objects.visible_to(request.user)
        .select_related("program")
        .order_by("program__name", "program_id", "-number", "-created_at")
    )
    return render(
        request,
        "guide/edition_list.html",
        {"editions": editions, "is_office": is_program_office(request.user)},
    )


@staff_area
def edition_create(request):
    require(request.user, "guide.manage_editions")
    initial = {"program": request.GET.get("program")}
    return form_page(
        request,
        NewEditionForm(request.POST or None, initial=initial),
        "guide/edition_form.html",
        {"edition": None},
        lambda values: services.create_edition(request.user, values["program"], values),
        _("The draft edition was created with the usual chapters."),
    )


def _edition(request, pk):
    edition = get_object_or_404(Edition.objects.select_related("program"), pk=pk)
    require(request.user, "guide.view_edition", edition)
    return edition


def _composed_edition(request, pk):
    """An edition in the composer: the program office's (checked before looking it up)."""
    require(request.user, "guide.manage_editions")
    return _edition(request, pk)


@staff_area
def edition_detail(request, pk):
    """The composer: chapters, what keeps the draft from being published, the build."""
    edition = _composed_edition(request, pk)
    draft = not edition.is_published and not edition.is_building
    others = Edition.objects.published().filter(program=edition.program_id).exclude(pk=edition.pk)
    return render(
        request,
        "guide/edition_detail.html",
        {
            "edition": edition,
            "chapters": edition.chapters.all(),
            "problems": services.problems(edition) if draft else [],
            "stalled": services.is_stalled(edition),
            "redaction_retry": redaction.may_retry(edition),
            "draft": draft,
            "chapter_form": ChapterForm(),
            "others": others.order_by("-number"),
            "accepted": edition.program.recommendations.public().count(),
        },
    )


@staff_area
def edition_status(request, pk):
    """The build's progress: the panel the composer polls while a build runs."""
    edition = _composed_edition(request, pk)
    template = "guide/_build_status.html" if request.htmx else "guide/edition_status.html"
    context = {
        "edition": edition,
        "stalled": services.is_stalled(edition),
        "redaction_retry": redaction.may_retry(edition),
        "oob": bool(request.htmx),
    }
    return render(request, template, context)


@staff_area
def edition_edit(request, pk):
    edition = _composed_edition(request, pk)
    return form_page(
        request,
        EditionForm(request.POST or None, instance=edition),
        "guide/edition_form.html",
        {"edition": edition},
        lambda values: services.update_edition(request.user, Edition.objects.get(pk=pk), values),
        _("The edition was saved."),
    )


@staff_area
@require_http_methods(["GET", "POST"])
def edition_delete(request, pk):
    edition = _composed_edition(request, pk)

    def act():
        if _attempt(
            request,
            lambda: services.delete_edition(request.user, edition),
            _("The draft edition was deleted."),
        ):
            return redirect("guide:edition_list")
        return redirect(edition)

    return confirm_first(
        request,
        act,
        question=_("Delete the draft “%(title)s”?") % {"title": edition.title},
        consequence=_(
            "The draft is deleted with its chapters and foreword. This cannot be undone."
        ),
        confirm=_("Delete draft"),
        back_url=edition.get_absolute_url(),
    )


def _edition_button(request, pk, action, success):
    """A button of the composer: run the service `action(user, edition)`, back to the edition."""
    edition = _composed_edition(request, pk)
    _attempt(request, lambda: action(request.user, edition), success)
    return redirect(edition)


@staff_area
@require_POST
def edition_publish(request, pk):
    return _edition_button(
        request,
        pk,
        services.publish_edition,
        _("The edition is frozen; its files are being built. This page shows how far."),
    )


@staff_area
@require_POST
def edition_abandon_build(request, pk):
    return _edition_button(
        request,
        pk,
        services.abandon_build,
        _("The build was abandoned; the edition is a draft again."),
    )


@staff_area
def chapter_add(request, pk):
    edition = _composed_edition(request, pk)
    return form_page(
        request,
        ChapterForm(request.POST or None),
        "guide/chapter_form.html",
        {"edition": edition, "chapter": None},
        lambda values: services.add_chapter(request.user, edition, values).edition,
        _("The chapter was added."),
    )


@staff_area
def chapter_edit(request, pk):
    require(request.user, "guide.manage_editions")
    chapter = get_object_or_404(Chapter.objects.select_related("edition__program"), pk=pk)
    return form_page(
        request,
        ChapterForm(request.POST or None, instance=chapter),
        "guide/chapter_form.html",
        {"edition": chapter.edition, "chapter": chapter},
        lambda values: (
            services.update_chapter(request.user, Chapter.objects.get(pk=pk), values).edition
        ),
        _("The chapter was saved."),
    )


def _chapter_button(request, pk, action, success=None):
    """A chapter's button in the composer: run `action(user, chapter)`, back to the edition."""
    require(request.user, "guide.manage_editions")
    chapter = get_object_or_404(Chapter.objects.select_related("edition"), pk=pk)
    _attempt(request, lambda: action(request.user, chapter), success)
    return redirect(chapter.edition)


@staff_area
@require_http_methods(["GET", "POST"])
def chapter_delete(request, pk):
    require(request.user, "guide.manage_editions")
    chapter = get_object_or_404(Chapter.objects.select_related("edition"), pk=pk)
    return confirm_first(
        request,
        lambda: _chapter_button(
            request, pk, services.delete_chapter, _("The chapter was removed.")
        ),
        question=_("Remove the chapter “%(title)s”?") % {"title": chapter.title},
        consequence=_(
            "The chapter and its text are deleted from the draft. This cannot be undone."
        ),
        confirm=_("Remove chapter"),
        back_url=chapter.edition.get_absolute_url(),
    )


@staff_area
@require_POST
def chapter_move(request, pk):
    offset = -1 if request.POST.get("direction") == "up" else 1
    return _chapter_button(
        request, pk, lambda user, chapter: services.move_chapter(user, chapter, offset)
    )


def edition_read(request, pk):
    """The web edition: a published edition from its public content (redacted after a withdrawn
    consent, else the snapshot), for everyone; a draft as a preview composed from the sources
    as they stand, for the program office."""
    edition = _edition(request, pk)
    if edition.is_published:
        content = edition.public_content
    else:
        require(request.user, "guide.manage_editions")
        content = composed(edition)
    return render(
        request,
        "guide/edition_read.html",
        {
            "edition": edition,
            "content": content,
            "body": render_body(content),
            "kinds": edition.public_kinds,
            "may_see_unredacted": edition.is_redacted
            and request.user.has_perm("guide.view_unredacted_edition"),
        },
    )


def _unredacted_edition(request, pk):
    """A redacted published edition as it was frozen: the program office's (checked before
    looking it up)."""
    require(request.user, "guide.view_unredacted_edition")
    edition = get_object_or_404(Edition.objects.select_related("program"), pk=pk)
    if not (edition.is_published and edition.is_redacted):
        raise Http404
    return edition


@staff_area
def edition_unredacted(request, pk):
    """The frozen edition with the names redacted from the public one, for the program office."""
    edition = _unredacted_edition(request, pk)
    return render(
        request,
        "guide/edition_read.html",
        {
            "edition": edition,
            "content": edition.snapshot,
            "body": render_body(edition.snapshot),
            "kinds": {kind for kind, _field in edition.files},
            "unredacted": True,
        },
    )


@staff_area
def edition_unredacted_file(request, pk, kind):
    """A file of the frozen edition, for the program office."""
    edition = _unredacted_edition(request, pk)
    return _file_response(edition, dict(edition.files), kind, suffix=_("unredacted"))


@staff_area
@require_POST
def edition_redaction_retry(request, pk):
    return _edition_button(
        request,
        pk,
        redaction.retry_redacted_build,
        _("The redacted files are being built again."),
    )


FILES = {
    "pdf": ("pdf_file", "application/pdf"),
    "docx": (
        "docx_file",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "html": ("html_file", "text/html; charset=utf-8"),
}


def edition_file(request, pk, kind):
    """A published edition's public file: as built when the edition was published, or, after
    a withdrawn consent, as rebuilt without the names (none while it is being rebuilt)."""
    edition = _edition(request, pk)
    if not edition.is_published:
        raise Http404
    return _file_response(edition, dict(edition.public_files), kind)


def _file_response(edition, files, kind, suffix=""):
    field = files.get(kind) if kind in FILES else None
    if not field:
        raise Http404
    suffix = f", {suffix}" if suffix else ""
    name = f"{edition.program.name[:60]} – {edition.title[:80]} ({edition.number}{suffix}).{kind}"
    try:
        handle = field.open("rb")
    except OSError:
        # Deleted by a redaction a moment ago.
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=FILES[kind][1],
        as_attachment=kind != "pdf",
        filename=name.replace("/", "-"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def edition_compare(request, pk):
    """Compare this published edition with another of its program."""
    edition = _edition(request, pk)
    if not edition.is_published:
        raise Http404
    editions = Edition.objects.published().filter(program=edition.program_id).order_by("number")
    form = CompareForm(request.GET or None, editions=editions)
    result = older = newer = None
    if form.is_valid():
        older, newer = form.cleaned_data["a"], form.cleaned_data["b"]
        if older.number > newer.number:
            older, newer = newer, older
        result = compare(older.public_content, newer.public_content)
    elif not request.GET:
        previous = editions.filter(number__lt=edition.number).last()
        if previous:
            older, newer = previous, edition
            form = CompareForm(initial={"a": previous.pk, "b": edition.pk}, editions=editions)
            result = compare(older.public_content, newer.public_content)
    return render(
        request,
        "guide/edition_compare.html",
        {
            "edition": edition,
            "form": form,
            "result": result,
            "older": older,
            "newer": newer,
        },
        status=400 if request.GET and not form.is_valid() else 200,
    )
