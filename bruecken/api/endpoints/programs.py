"""The programs and their participating municipalities (public, as on the website)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from bruecken.places.models import Municipality
from bruecken.programs.models import Program
from bruecken.translation import localized

from .. import schemas
from .base import DEFAULT_LIMIT, Area, Id, Limit, Offset, page, ref

router = Area("programs")


def program_queryset():
    return Program.objects.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name", "pk"))
    )


def program_out(p):
    return {
        "id": p.pk,
        "name": localized(p, "name"),
        "description": localized(p, "description"),
        "office": p.office,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "municipalities": [ref(m) for m in p.municipalities.all()],
    }


@router.list("/programs", schemas.ProgramOut, summary="Programs")
def list_programs(request, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0):
    """The programs and their participating municipalities (public, as on the website), the
    newest first."""
    return page(request, program_queryset(), program_out, limit, offset, order=["-starts_on", "pk"])


@router.detail("/programs/{program_id}", schemas.ProgramOut, summary="One program")
def get_program(request, program_id: Id):
    return program_out(get_object_or_404(program_queryset(), pk=program_id))
