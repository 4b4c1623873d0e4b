"""What the staff pages of an event share (events/views.py, events/outcome_views.py): the event
as the user may work on it, the address of its page, the form of a part of it."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from bruecken.permissions import require
from bruecken.web import form_page

from .models import Event


def get_event(request, pk, permission="events.facilitate_event"):
    event = get_object_or_404(
        Event.objects.select_related("program", "process__municipality"), pk=pk
    )
    require(request.user, permission, event)
    return event


def event_url(event, anchor=""):
    url = reverse("events:event_detail", args=[event.pk])
    return f"{url}#{anchor}" if anchor else url


def part_form(request, event, form, template, save, anchor, context=None, **options):
    """The form of a part of an event (agenda item, document, goal, result); once saved, back
    to that part of the event's page (`anchor`)."""
    return form_page(
        request,
        form,
        template,
        {"event": event, **(context or {})},
        save,
        success_url=event_url(event, anchor),
        **options,
    )
