"""What transfer holds about a person (bruecken/personal_data.py): the values an import kept for
its preview, problems and summary, which may name them."""

from django.utils.translation import gettext_lazy as _

from .models import ImportRun

# The parts of an import run that hold values read from the spreadsheet.
KEPT_VALUES = [
    "headers",
    "problems",
    "warnings",
    "unknown_values",
    "value_mapping",
    "mapped_values",
    "summary",
    "preview",
]


def erase_import_values(erasure):
    """Import runs keep the spreadsheet's values for their preview and report: the person's
    name, address and number are replaced there by the pseudonym. (The uploaded file itself
    holds everyone in it; the housekeeping deletes it after TRANSFER_UPLOAD_RETENTION_HOURS.)"""
    changed = []
    mentioning = erasure.found_in(json=KEPT_VALUES)
    for run in ImportRun.objects.filter(mentioning).only(*KEPT_VALUES).iterator():
        for field in KEPT_VALUES:
            setattr(run, field, erasure.scrub(getattr(run, field)))
        changed.append(run)
    ImportRun.objects.bulk_update(changed, KEPT_VALUES)
    return {"import_values": len(changed)}


HELD = [
    ("import_runs", _("Import uploads"), lambda: ImportRun.objects.exclude(file=""), "created_at")
]
