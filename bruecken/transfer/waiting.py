"""What waits for a user in the import (bruecken/waiting.py): imports uploaded or checked but
neither imported nor abandoned, which the user may open (`transfer.view_importrun`)."""

from django.urls import reverse
from django.utils.translation import ngettext

from bruecken.accounts import roles
from bruecken.waiting import Item

from .models import ImportRun

OPEN = (ImportRun.Status.UPLOADED, ImportRun.Status.CHECKED)


def waiting_for(user, now):
    if not user.has_perm("transfer.import_data"):
        return []
    runs = ImportRun.objects.filter(status__in=OPEN)
    if not roles.is_program_office(user):
        runs = runs.filter(created_by=user)
    pks = list(runs.order_by("-pk").values_list("pk", flat=True)[:2])
    count = runs.count() if len(pks) > 1 else len(pks)
    # One import: straight to it; several: the list of imports.
    url = reverse("transfer:run", args=[pks[0]]) if count == 1 else reverse("transfer:index")
    return [
        Item(
            ngettext(
                "%(count)s import waits to be finished or abandoned.",
                "%(count)s imports wait to be finished or abandoned.",
                count,
            )
            % {"count": count},
            url,
            count,
        )
    ]
