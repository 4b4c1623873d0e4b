"""Recommendations, categories and guideline editions: rule check, transaction, audit entry."""

import logging
import time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.events.models import Event
from bruecken.permissions import require
from bruecken.programs.models import Goal, Program, Result, working_in
from bruecken.storage import delete_quietly

from . import emails
from .compose import compose, composed
from .models import (
    STALLED_AFTER,
    BuildStatus,
    Category,
    Chapter,
    ChapterKind,
    Edition,
    Recommendation,
    RecommendationStatus,
    ReviewComment,
)
from .redaction import build_redacted_edition_task

logger = logging.getLogger(__name__)

RECOMMENDATION_FIELDS = ["title", "text", "category", "status", "results", "goals", "workshops"]
EVIDENCE_FIELDS = ["results", "goals", "workshops"]
CATEGORY_FIELDS = ["name", "name_en", "position"]
EDITION_FIELDS = ["title", "foreword", "language"]
CHAPTER_FIELDS = ["kind", "title", "text", "with_figures", "position"]
# What a chapter's form edits (its position changes by moving it).
CHAPTER_TEXT = ["kind", "title", "text", "with_figures"]

# The German names the program office starts with (the platform's first language).
DEFAULT_CATEGORY_NAMES = [
    ("Strukturen und Zuständigkeiten", "Structures and responsibilities"),
    ("Vernetzungsformate", "Networking formats"),
    ("Stärkung der Migrantenorganisationen", "Strengthening migrant organisations"),
    ("Nord-Süd-Partnerschaften", "North–South partnerships"),
    ("Entwicklungspolitische Bildungsarbeit", "Development education"),
    ("Finanzierung", "Funding"),
    ("Interkulturelle Öffnung der Verwaltungen", "Intercultural opening of administrations"),
]
DEFAULT_CHAPTERS = [
    (ChapterKind.PROGRAM, gettext_noop("The program: design and goals")),
    (ChapterKind.MUNICIPALITIES, gettext_noop("Activities in the model municipalities")),
    (ChapterKind.RECOMMENDATIONS, gettext_noop("Recommendations")),
    (ChapterKind.ANNEX, gettext_noop("Annex: participating organisations and method")),
]


def _assign(instance, values, fields):
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


def _save(user, instance, values, fields, audited=None, subjects=(), after=None):
    """Assign the given `fields` from `values`, validate, save and record the audit entry of
    the `audited` fields (default: the assigned ones); `after(instance)` runs once it is saved
    (many-to-many fields), inside the audited block."""
    with audit.changes(user, instance, audited or fields, subjects=subjects):
        _assign(instance, values, fields)
        instance.full_clean()
        instance.save()
        if after:
            after(instance)
    return instance


# Categories


def load_default_categories():
    """The seven default categories; existing ones (by name) are kept. Returns those created."""
    existing = set(Category.objects.values_list("name", flat=True))
    created = [
        Category(name=name, name_en=name_en, position=position)
        for position, (name, name_en) in enumerate(DEFAULT_CATEGORY_NAMES, 1)
        if name not in existing
    ]
    Category.objects.bulk_create(created)
    return created


@transaction.atomic
def create_category(user, values):
    require(user, "guide.manage_categories")
    return _save(user, Category(), values, CATEGORY_FIELDS)


@transaction.atomic
def update_category(user, category, values):
    require(user, "guide.manage_categories")
    category = Category.objects.select_for_update().get(pk=category.pk)
    return _save(user, category, values, CATEGORY_FIELDS)


@transaction.atomic
def delete_category(user, category):
    require(user, "guide.manage_categories")
    if category.recommendations.exists():
        raise ValidationError(
            _("The category has recommendations; move them to another category first.")
        )
    audit.deleted(user, category, CATEGORY_FIELDS)
    category.delete()


# Recommendations


def evidence_choices(user, program):
    """The results, goals and workshops a user may cite for a program: the program office all
    of the program's; coordinators and facilitators those of the processes they work in."""
    results = Result.objects.filter(
        working_in(user, "workshop__process__municipality_id"),
        workshop__program=program,
        workshop__process__isnull=False,
    )
    goals = Goal.objects.filter(
        working_in(user, "process__municipality_id"), process__program=program
    )
    workshops = Event.objects.filter(
        working_in(user, "process__municipality_id"),
        program=program,
        process__isnull=False,
        cancelled_at__isnull=True,
    )
    return {
        "results": results.select_related("workshop__process__municipality").order_by(
            "workshop__process__municipality__name", "workshop__starts_at", "pk"
        ),
        "goals": goals.select_related("process__municipality", "rating").order_by(
            "process__municipality__name", "pk"
        ),
        "workshops": workshops.select_related("process__municipality").order_by(
            "process__municipality__name", "starts_at", "pk"
        ),
    }


def _check_evidence(user, program, values):
    choices = evidence_choices(user, program)
    for name in EVIDENCE_FIELDS:
        chosen = list(values.get(name) or [])
        allowed = set(
            choices[name].filter(pk__in=[o.pk for o in chosen]).values_list("pk", flat=True)
        )
        if any(o.pk not in allowed for o in chosen):
            raise ValidationError(
                {name: _("Choose evidence from the processes of this program you work in.")}
            )


def _has_evidence(recommendation):
    return (
        recommendation.results.exists()
        or recommendation.goals.exists()
        or recommendation.workshops.exists()
    )


def _save_recommendation(user, recommendation, values, subjects=()):
    def set_evidence(recommendation):
        for name in EVIDENCE_FIELDS:
            if name in values:
                getattr(recommendation, name).set(values[name] or [])

    return _save(
        user,
        recommendation,
        values,
        ["title", "text", "category"],
        audited=RECOMMENDATION_FIELDS,
        subjects=subjects,
        after=set_evidence,
    )


@transaction.atomic
def propose_recommendation(user, program, values):
    require(user, "guide.propose_recommendation", program)
    _check_evidence(user, program, values)
    recommendation = Recommendation(program=program, created_by=user)
    return _save_recommendation(user, recommendation, values, subjects=[program])


def _locked(recommendation):
    return (
        Recommendation.objects.select_for_update()
        .select_related("program")
        .get(pk=recommendation.pk)
    )


@transaction.atomic
def update_recommendation(user, recommendation, values):
    recommendation = _locked(recommendation)
    require(user, "guide.edit_recommendation", recommendation)
    _check_evidence(user, recommendation.program, values)
    return _save_recommendation(user, recommendation, values)


@transaction.atomic
def submit_recommendation(user, recommendation):
    """A draft goes to the program office for review; it needs evidence."""
    recommendation = _locked(recommendation)
    require(user, "guide.submit_recommendation", recommendation)
    # Checked here too: a superuser passes every permission, not this state.
    if recommendation.status != RecommendationStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    if not _has_evidence(recommendation):
        raise ValidationError(
            _("Link at least one result, goal or workshop before submitting the recommendation.")
        )
    _set_status(user, recommendation, RecommendationStatus.IN_REVIEW, "")
    pk, submitted_by = recommendation.pk, user.pk
    transaction.on_commit(lambda: emails.send_review_request.enqueue(pk, submitted_by))
    return recommendation


REVIEW_DECISIONS = (
    RecommendationStatus.ACCEPTED,
    RecommendationStatus.REJECTED,
    RecommendationStatus.DRAFT,
)


@transaction.atomic
def review_recommendation(user, recommendation, decision, comment=""):
    """The program office accepts, rejects or returns (to draft) a recommendation. Rejecting
    and returning need a comment saying why; accepting needs evidence."""
    recommendation = _locked(recommendation)
    require(user, "guide.review_recommendation", recommendation)
    comment = (comment or "").strip()
    if decision not in REVIEW_DECISIONS:
        raise ValidationError(_("Choose accept, reject or return for changes."))
    if decision == recommendation.status:
        raise ValidationError(_("The recommendation already has this status."))
    if decision != RecommendationStatus.ACCEPTED and not comment:
        raise ValidationError({"comment": _("Say why, for the author.")})
    if decision == RecommendationStatus.ACCEPTED and not _has_evidence(recommendation):
        raise ValidationError(_("A recommendation without evidence cannot be accepted."))
    entry_id = _set_status(user, recommendation, decision, comment).pk
    transaction.on_commit(lambda: emails.send_decision.enqueue(entry_id))
    return recommendation


@transaction.atomic
def comment_recommendation(user, recommendation, comment):
    """A review comment without a decision."""
    require(user, "guide.review_recommendation", recommendation)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write a comment.")})
    entry = ReviewComment(
        recommendation=recommendation, author=user, status=recommendation.status, text=comment
    )
    with audit.changes(user, entry, ["text"], subjects=[recommendation]):
        entry.save()
    return entry


def _set_status(user, recommendation, status, comment):
    """Returns the review comment that records the change."""
    with audit.changes(user, recommendation, ["status"]) as extra:
        recommendation.status = status
        recommendation.save(update_fields=["status", "updated_at"])
        entry = ReviewComment.objects.create(
            recommendation=recommendation, author=user, status=status, text=comment
        )
        if comment:
            extra["comment"] = [None, comment]
    return entry


# Editions


@transaction.atomic
def create_edition(user, program, values, chapters=True):
    """A draft edition with the default chapters (unless `chapters` is false)."""
    require(user, "guide.manage_editions")
    edition = _save(user, Edition(program=program), values, EDITION_FIELDS, subjects=[program])
    if chapters:
        with translation.override(edition.language):
            Chapter.objects.bulk_create(
                Chapter(edition=edition, position=position, kind=kind, title=_(title))
                for position, (kind, title) in enumerate(DEFAULT_CHAPTERS, 1)
            )
    return edition


def _editable(edition):
    """The draft, locked; a published edition or one being built cannot change."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.number is not None or edition.is_building:
        raise ValidationError(_("A published edition cannot be changed; start a new one."))
    return edition


@transaction.atomic
def update_edition(user, edition, values):
    require(user, "guide.manage_editions")
    return _save(user, _editable(edition), values, EDITION_FIELDS)


@transaction.atomic
def delete_edition(user, edition):
    require(user, "guide.manage_editions")
    edition = _editable(edition)
    audit.deleted(user, edition, EDITION_FIELDS)
    edition.delete()


@transaction.atomic
def add_chapter(user, edition, values):
    require(user, "guide.manage_editions")
    edition = _editable(edition)
    last = edition.chapters.aggregate(last=Max("position"))["last"] or 0
    chapter = Chapter(edition=edition, position=last + 1)
    return _save(user, chapter, values, CHAPTER_TEXT, CHAPTER_FIELDS, subjects=[edition])


@transaction.atomic
def update_chapter(user, chapter, values):
    require(user, "guide.manage_editions")
    _editable(chapter.edition)
    chapter = Chapter.objects.get(pk=chapter.pk)
    return _save(user, chapter, values, CHAPTER_TEXT, CHAPTER_FIELDS, subjects=[chapter.edition])


@transaction.atomic
def delete_chapter(user, chapter):
    require(user, "guide.manage_editions")
    edition = _editable(chapter.edition)
    audit.deleted(user, chapter, CHAPTER_FIELDS, subjects=[edition])
    chapter.delete()
    _renumber(edition)


def _renumber(edition, order=None):
    chapters = order or list(edition.chapters.order_by("position", "id"))
    for position, chapter in enumerate(chapters, 1):
        if chapter.position != position:
            chapter.position = position
            chapter.save(update_fields=["position"])


@transaction.atomic
def move_chapter(user, chapter, offset):
    """Move a chapter up (-1) or down (+1)."""
    require(user, "guide.manage_editions")
    edition = _editable(chapter.edition)
    chapters = list(edition.chapters.order_by("position", "id"))
    index = next(i for i, c in enumerate(chapters) if c.pk == chapter.pk)
    target = index + offset
    if not 0 <= target < len(chapters):
        return chapter
    chapters[index], chapters[target] = chapters[target], chapters[index]
    _renumber(edition, chapters)
    audit.record(
        user,
        AuditEntry.Action.UPDATE,
        chapter,
        {"position": [index + 1, target + 1]},
        subjects=[edition],
    )
    return chapter


def problems(edition, content=None):
    """What keeps a draft from being published, as messages: no chapter, no accepted
    recommendation, an empty chapter, an accepted recommendation without evidence."""
    # Kept until something relevant changes; the network figures play no part here.
    content = content or composed(edition, figures=False)
    found = []
    chapters = content["chapters"]
    if not chapters:
        found.append(_("The edition has no chapters."))
    has_accepted = edition.program.recommendations.public().exists()
    if not has_accepted:
        found.append(_("The program has no accepted recommendation yet."))
    elif not any(c["kind"] == ChapterKind.RECOMMENDATIONS for c in chapters):
        found.append(_("The edition has no chapter with the recommendations."))
    for chapter in chapters:
        # Without any accepted recommendation the recommendations chapter is empty too; that is
        # said once above.
        if not has_accepted and chapter["kind"] == ChapterKind.RECOMMENDATIONS:
            continue
        if _is_empty(chapter):
            found.append(
                _("Chapter %(number)s “%(title)s” is empty.")
                % {"number": chapter["number"], "title": chapter["title"]}
            )
    for recommendation in (
        edition.program.recommendations.public()
        .filter(results=None, goals=None, workshops=None)
        .order_by("title")
    ):
        found.append(
            _("The accepted recommendation “%(title)s” has no evidence.")
            % {"title": recommendation.title}
        )
    return found


def _is_empty(chapter):
    kind = chapter["kind"]
    if kind == ChapterKind.TEXT:
        return not chapter["text"].strip()
    if kind == ChapterKind.MUNICIPALITIES:
        return not any(m["workshops"] for m in chapter["municipalities"])
    if kind == ChapterKind.RECOMMENDATIONS:
        return not chapter["categories"]
    return False


@transaction.atomic
def publish_edition(user, edition):
    """Freeze the edition: check it, take the snapshot of its content, give it the next number
    of its program and queue the build of its files. The program's row is locked while the
    number is chosen, so two publications at once get different numbers (the unique constraint
    is the last guard); only one edition of a program is built at a time, so a failed build can
    hand its number back and the published numbers stay consecutive."""
    require(user, "guide.manage_editions")
    Program.objects.select_for_update().get(pk=edition.program_id)
    edition = _editable(edition)
    if Edition.objects.building().filter(program=edition.program_id).exists():
        raise ValidationError(
            _("Another edition of this program is being built. Publish when it is done.")
        )
    now = timezone.now()
    edition.published_at = now
    content = compose(edition, now=now)
    found = problems(edition, content)
    if found:
        raise ValidationError(found)
    last = Edition.objects.filter(program=edition.program_id).aggregate(last=Max("number"))
    edition.number = (last["last"] or 0) + 1
    content["number"] = edition.number
    edition.snapshot = content
    edition.published_by = user
    edition.build_status = BuildStatus.QUEUED
    edition.build_percent = 0
    edition.build_step = ""
    edition.build_error = ""
    edition.save()
    # A special entry: the snapshot helper would show the number's "before" as "", not None.
    audit.record(
        user,
        AuditEntry.Action.UPDATE,
        edition,
        {"number": [None, edition.number], "published_at": [None, str(now)]},
        subjects=[edition.program],
    )
    edition_id = edition.pk
    transaction.on_commit(lambda: build_edition_task.enqueue(edition_id))
    return edition


def _progress(edition_id, percent, step):
    Edition.objects.building().filter(pk=edition_id).update(
        build_status=BuildStatus.RUNNING,
        build_percent=percent,
        build_step=step,
        updated_at=timezone.now(),
    )


def is_stalled(edition, now=None):
    now = now or timezone.now()
    return edition.is_building and edition.updated_at < now - STALLED_AFTER


@transaction.atomic
def abandon_build(user, edition):
    """Give up a build whose worker died (no progress for STALLED_AFTER): the edition becomes
    a draft again, with its number handed back, so that it can be published anew."""
    require(user, "guide.manage_editions")
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if not is_stalled(edition):
        raise ValidationError(_("The build is still running or already finished."))
    _fail(edition.pk, RuntimeError(_("The build stopped without finishing and was abandoned.")))


def build_edition(edition_id, renderers=None):
    """Render the frozen snapshot into the web edition, the PDF and the DOCX and keep them with
    the edition. Runs in the worker. If anything fails, the edition goes back to being a draft
    (its number handed back) and says why; published editions and their files stay as they
    are."""
    from . import render

    renderers = renderers or render.RENDERERS
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None or not edition.is_building:
        return False
    started = time.monotonic()
    content = edition.snapshot
    files = {}
    saved = []
    try:
        steps = len(renderers)
        for index, (kind, label, renderer) in enumerate(renderers):
            _progress(edition_id, int(100 * index / steps), str(label))
            files[kind] = renderer(content)
        _progress(edition_id, 99, gettext_noop("Saving the files"))
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(pk=edition_id)
            if not edition.is_building or _published_at(edition.snapshot) != _published_at(content):
                # Abandoned meanwhile (and maybe published anew): keep nothing of this build.
                # An erasure may have changed the snapshot meanwhile: then these files are
                # kept and rebuilt with the redacted ones (`frozen_files_outdated`).
                return False
            names = {"html": "html_file", "pdf": "pdf_file", "docx": "docx_file"}
            base = f"guide-{edition.program_id}-{edition.number}"
            for kind, data in files.items():
                field = getattr(edition, names[kind])
                field.save(f"{base}.{kind}", ContentFile(data), save=False)
                saved.append(field.name)
            edition.build_status = BuildStatus.DONE
            edition.build_percent = 100
            edition.build_step = ""
            edition.build_seconds = time.monotonic() - started
            edition.save()
            if edition.redaction_status == BuildStatus.QUEUED:
                # A consent was withdrawn while the files were being built.
                transaction.on_commit(lambda: build_redacted_edition_task.enqueue(edition_id))
    except Exception as error:
        logger.exception("Building guideline edition %s failed", edition_id)
        for name in saved:
            delete_quietly(Edition._meta.get_field("pdf_file").storage, name)
        _fail(edition_id, error)
        return False
    return True


def _published_at(snapshot):
    return (snapshot or {}).get("published_at")


@task()
def build_edition_task(edition_id):
    """Build a guideline edition's files in the worker (`build_edition`)."""
    return build_edition(edition_id)


def build_lost(args, kwargs, requeued):
    """The worker building the edition died (bruecken/workers.py): queued again, the build
    starts over; given up, the edition is a draft again and says why, like a failed build."""
    edition_id = (args or [kwargs.get("edition_id")])[0]
    editions = Edition.objects.building().filter(pk=edition_id)
    if requeued:
        editions.update(
            build_status=BuildStatus.QUEUED,
            build_percent=0,
            build_step="",
            updated_at=timezone.now(),
        )
    elif editions.exists():
        _fail(edition_id, RuntimeError(_("The background worker stopped during the build.")))


def _fail(edition_id, error):
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition_id)
        edition.html_file = edition.pdf_file = edition.docx_file = ""
        edition.number = None
        edition.published_at = None
        edition.published_by = None
        edition.snapshot = None
        # A redaction of the failed publication: the next one composes without the names.
        edition.public_snapshot = edition.redacted_at = None
        edition.redaction_status = BuildStatus.IDLE
        edition.frozen_files_outdated = False
        edition.build_status = BuildStatus.FAILED
        edition.build_percent = 0
        edition.build_step = ""
        edition.build_error = f"{type(error).__name__}: {error}"[:2000]
        edition.save()
        audit.record(
            None,
            AuditEntry.Action.UPDATE,
            edition,
            {"build": [None, edition.build_error]},
            subjects=[edition.program],
        )
