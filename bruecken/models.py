"""The project's own models: shared infrastructure that every app may use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One row counting changes to what the public site shows: cached pages are keyed by it,
    so every process sees a change at once, however the cache is shared."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        # Created by the website app, which held it first.
        db_table = "website_contentversion"
        verbose_name = _("content version")

    def __str__(self):
        return str(self.value)


class Timestamped(models.Model):
    """When a row was created and last changed, set by Django on save."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        abstract = True


class SearchDocument(models.Model):
    """The text one object is found by (bruecken/fulltext/), folded, in three parts by how
    widely they may be searched. The database indexes it: a generated tsvector column on
    PostgreSQL, an FTS5 table on SQLite (migration 0002); only bruecken/fulltext/ writes it."""

    kind = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    name = models.TextField(default="")
    public = models.TextField(default="")
    private = models.TextField(default="")
    # The object's place in its model's order where it registered one (`fulltext.register`).
    sort_key = models.TextField(default="")

    class Meta:
        verbose_name = _("search document")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class WorkerHeartbeat(models.Model):
    """When a `bruecken worker` was last seen alive (bruecken/workers.py): a task RUNNING on a
    worker not seen for TASK_STALE_MINUTES is taken for lost."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self):
        return self.worker_id
