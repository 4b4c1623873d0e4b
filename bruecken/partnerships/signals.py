"""Stored suggestions follow the organisations: any change to one (or to its countries,
languages, topics or forms of engagement) recomputes them all once, debounced
(`stored.recompute_soon`)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from bruecken.actors.models import Organisation

from . import stored


def _changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    stored.recompute_soon()


def _m2m_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        stored.recompute_soon()


def connect():
    post_save.connect(_changed, sender=Organisation, dispatch_uid="partnerships.organisation")
    post_delete.connect(_changed, sender=Organisation, dispatch_uid="partnerships.organisation_d")
    for field in ("countries", "languages", "topics", "engagement_forms"):
        m2m_changed.connect(
            _m2m_changed,
            sender=getattr(Organisation, field).through,
            dispatch_uid=f"partnerships.organisation_{field}",
        )
