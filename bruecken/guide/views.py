"""Recommendations, their review, the edition composer and the published guideline. Views
check the rule and call the service; published editions are public documents."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.accounts.audit import history
from bruecken.accounts.rules import is_program_office
from bruecken.actors.views import _apply_form_error, staff_area
from bruecken.programs.models import Program

from . import services
from .compare import compare
from .compose import compose
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
    BuildStatus,
    Category,
    Chapter,
    Edition,
    Recommendation,
    RecommendationStatus,
)
from .render import render_body
from .rules import working_municipality_ids


def _require(request, permission, obj=None):
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def visible_recommendations(user):
    """The list-page mirror of `guide.view_recommendation`."""
    recommendations = Recommendation.objects.all()
    if is_program_office(user):
        return recommendations
    ids = working_municipality_ids(user)
    if not ids:
        return recommendations.none()
    return recommendations.filter(
        program__in=Program.objects.filter(municipalities__in=ids).values("pk")
    )


def proposable_programs(user):
    if is_program_office(user):
        return Program.objects.order_by("-starts_on", "name")
    ids = working_municipality_ids(user)
    return Program.objects.filter(
        pk__in=Program.objects.filter(municipalities__in=ids).values("pk")
    ).order_by("-starts_on", "name")


# Recommendations


@staff_area
def recommendation_list(request):
    if not request.user.has_perm("guide.propose_recommendation", None):
        raise PermissionDenied
    recommendations = (
        visible_recommendations(request.user)
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
    programs = list(proposable_programs(request.user))
    if not programs:
        raise PermissionDenied
    if len(programs) == 1:
        return redirect("guide:recommendation_create", programs[0].pk)
    return render(request, "guide/recommendation_new.html", {"programs": programs})


@staff_area
def recommendation_create(request, program_pk):
    program = get_object_or_404(Program, pk=program_pk)
    _require(request, "guide.propose_recommendation", program)
    form = RecommendationForm(request.POST or None, user=request.user, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.propose_recommendation(
                request.user, program, form.cleaned_data
            )
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The recommendation was saved as a draft."))
            return redirect(recommendation)
    return render(
        request,
        "guide/recommendation_form.html",
        {"form": form, "program": program, "recommendation": None},
    )


def _recommendation(request, pk):
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("program", "category", "created_by"), pk=pk
    )
    _require(request, "guide.view_recommendation", recommendation)
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
            "history": history(recommendation)[:50] if is_program_office(user) else [],
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
    _require(request, "guide.edit_recommendation", recommendation)
    form = RecommendationForm(
        request.POST or None,
        instance=recommendation,
        user=request.user,
        program=recommendation.program,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_recommendation(
                request.user, Recommendation.objects.get(pk=pk), form.cleaned_data
            )
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The recommendation was saved."))
            return redirect(recommendation)
    return render(
        request,
        "guide/recommendation_form.html",
        {"form": form, "program": recommendation.program, "recommendation": recommendation},
    )


def _error_messages(request, error):
    for message in error.messages:
        messages.error(request, message)


@staff_area
@require_POST
def recommendation_submit(request, pk):
    recommendation = _recommendation(request, pk)
    try:
        services.submit_recommendation(request.user, recommendation)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The recommendation was submitted for review."))
    return redirect(recommendation)


@staff_area
def recommendation_review(request, pk):
    recommendation = _recommendation(request, pk)
    _require(request, "guide.review_recommendation", recommendation)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_recommendation(
                request.user,
                recommendation,
                form.cleaned_data["decision"],
                form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(recommendation)
    return render(
        request,
        "guide/review_form.html",
        {"form": form, "recommendation": recommendation},
        status=400 if request.method == "POST" else 200,
    )


@staff_area
@require_POST
def recommendation_comment(request, pk):
    recommendation = _recommendation(request, pk)
    _require(request, "guide.review_recommendation", recommendation)
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
    _require(request, "guide.manage_categories")
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_category(request.user, form.cleaned_data)
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The category was added."))
            return redirect("guide:category_list")
    categories = Category.objects.annotate(count=Count("recommendations")).order_by(
        "position", "name"
    )
    return render(request, "guide/category_list.html", {"categories": categories, "form": form})


@staff_area
def category_edit(request, pk):
    _require(request, "guide.manage_categories")
    category = get_object_or_404(Category, pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_category(request.user, Category.objects.get(pk=pk), form.cleaned_data)
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The category was saved."))
            return redirect("guide:category_list")
    return render(request, "guide/category_form.html", {"form": form, "category": category})


@staff_area
@require_POST
def category_delete(request, pk):
    _require(request, "guide.manage_categories")
    category = get_object_or_404(Category, pk=pk)
    try:
        services.delete_category(request.user, category)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The category was deleted."))
    return redirect("guide:category_list")


# Editions


def edition_list(request):
    """Published editions for everyone; drafts too for the program office."""
    office = is_program_office(request.user)
    condition = Q(number__isnull=False, build_status=BuildStatus.DONE)
    if office:
        condition = Q()
    editions = (
        Edition.objects.filter(condition)
        .select_related("program")
        .order_by("program__name", "program_id", "-number", "-created_at")
    )
    return render(request, "guide/edition_list.html", {"editions": editions, "is_office": office})


@staff_area
def edition_create(request):
    _require(request, "guide.manage_editions")
    initial = {"program": request.GET.get("program")}
    form = NewEditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            edition = services.create_edition(request.user, values["program"], values)
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The draft edition was created with the usual chapters."))
            return redirect(edition)
    return render(request, "guide/edition_form.html", {"form": form, "edition": None})


def _edition(request, pk):
    edition = get_object_or_404(Edition.objects.select_related("program"), pk=pk)
    _require(request, "guide.view_edition", edition)
    return edition


@staff_area
def edition_detail(request, pk):
    """The composer: chapters, what keeps the draft from being published, the build."""
    _require(request, "guide.manage_editions")
    edition = _edition(request, pk)
    draft = not edition.is_published and not edition.is_building
    others = Edition.objects.filter(
        program=edition.program_id, number__isnull=False, build_status=BuildStatus.DONE
    ).exclude(pk=edition.pk)
    return render(
        request,
        "guide/edition_detail.html",
        {
            "edition": edition,
            "chapters": edition.chapters.all(),
            "problems": services.problems(edition) if draft else [],
            "stalled": services.is_stalled(edition),
            "draft": draft,
            "chapter_form": ChapterForm(),
            "others": others.order_by("-number"),
            "accepted": edition.program.recommendations.filter(
                status=RecommendationStatus.ACCEPTED
            ).count(),
        },
    )


@staff_area
def edition_status(request, pk):
    """The build's progress: the panel the composer polls while a build runs."""
    _require(request, "guide.manage_editions")
    edition = _edition(request, pk)
    template = "guide/_build_status.html" if request.htmx else "guide/edition_status.html"
    return render(request, template, {"edition": edition, "stalled": services.is_stalled(edition)})


@staff_area
def edition_edit(request, pk):
    _require(request, "guide.manage_editions")
    edition = _edition(request, pk)
    form = EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_edition(request.user, Edition.objects.get(pk=pk), form.cleaned_data)
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The edition was saved."))
            return redirect(edition)
    return render(request, "guide/edition_form.html", {"form": form, "edition": edition})


@staff_area
@require_POST
def edition_delete(request, pk):
    _require(request, "guide.manage_editions")
    edition = _edition(request, pk)
    try:
        services.delete_edition(request.user, edition)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect(edition)
    messages.success(request, _("The draft edition was deleted."))
    return redirect("guide:edition_list")


@staff_area
@require_POST
def edition_publish(request, pk):
    _require(request, "guide.manage_editions")
    edition = _edition(request, pk)
    try:
        services.publish_edition(request.user, edition)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request, _("The edition is frozen; its files are being built. This page shows how far.")
        )
    return redirect(edition)


@staff_area
@require_POST
def edition_abandon_build(request, pk):
    _require(request, "guide.manage_editions")
    edition = _edition(request, pk)
    try:
        services.abandon_build(request.user, edition)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The build was abandoned; the edition is a draft again."))
    return redirect(edition)


@staff_area
def chapter_add(request, pk):
    _require(request, "guide.manage_editions")
    edition = _edition(request, pk)
    form = ChapterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_chapter(request.user, edition, form.cleaned_data)
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The chapter was added."))
            return redirect(edition)
    return render(
        request, "guide/chapter_form.html", {"form": form, "edition": edition, "chapter": None}
    )


@staff_area
def chapter_edit(request, pk):
    _require(request, "guide.manage_editions")
    chapter = get_object_or_404(Chapter.objects.select_related("edition__program"), pk=pk)
    form = ChapterForm(request.POST or None, instance=chapter)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_chapter(request.user, Chapter.objects.get(pk=pk), form.cleaned_data)
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("The chapter was saved."))
            return redirect(chapter.edition)
    return render(
        request,
        "guide/chapter_form.html",
        {"form": form, "edition": chapter.edition, "chapter": chapter},
    )


@staff_area
@require_POST
def chapter_delete(request, pk):
    _require(request, "guide.manage_editions")
    chapter = get_object_or_404(Chapter.objects.select_related("edition"), pk=pk)
    try:
        services.delete_chapter(request.user, chapter)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The chapter was removed."))
    return redirect(chapter.edition)


@staff_area
@require_POST
def chapter_move(request, pk):
    _require(request, "guide.manage_editions")
    chapter = get_object_or_404(Chapter.objects.select_related("edition"), pk=pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_chapter(request.user, chapter, offset)
    except ValidationError as error:
        _error_messages(request, error)
    return redirect(chapter.edition)


def edition_read(request, pk):
    """The web edition: a published edition from its snapshot, for everyone; a draft as a
    preview composed from the sources as they stand, for the program office."""
    edition = _edition(request, pk)
    if edition.is_published:
        content = edition.snapshot
    else:
        _require(request, "guide.manage_editions")
        content = compose(edition)
    return render(
        request,
        "guide/edition_read.html",
        {"edition": edition, "content": content, "body": render_body(content)},
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
    """A published edition's file, as it was built when the edition was published."""
    edition = _edition(request, pk)
    if kind not in FILES or not edition.is_published:
        raise Http404
    field = getattr(edition, FILES[kind][0])
    if not field:
        raise Http404
    name = f"{edition.program.name[:60]} – {edition.title[:80]} ({edition.number}).{kind}"
    response = FileResponse(
        field.open("rb"),
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
    editions = Edition.objects.filter(
        program=edition.program_id, number__isnull=False, build_status=BuildStatus.DONE
    ).order_by("number")
    form = CompareForm(request.GET or None, editions=editions)
    result = older = newer = None
    if form.is_valid():
        older, newer = form.cleaned_data["a"], form.cleaned_data["b"]
        if older.number > newer.number:
            older, newer = newer, older
        result = compare(older.snapshot, newer.snapshot)
    elif not request.GET:
        previous = editions.filter(number__lt=edition.number).last()
        if previous:
            older, newer = previous, edition
            form = CompareForm(initial={"a": previous.pk, "b": edition.pk}, editions=editions)
            result = compare(older.snapshot, newer.snapshot)
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
