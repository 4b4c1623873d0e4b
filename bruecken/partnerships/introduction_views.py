"""The introduction pages: proposing one (staff), the staff list with withdrawal, and the answer
page each side reaches from its e-mail (no account needed: the link is the key)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bruecken.actors.models import Organisation
from bruecken.permissions import require
from bruecken.places.models import Partnership
from bruecken.web import confirm_first, fill, form_page, staff_area

from . import introductions
from .introduction_forms import ProposeForm
from .matching import Reason
from .models import Introduction, IntroductionStatus, PartnershipProfile

# The list's tabs: status in the address -> statuses shown.
TABS = {
    IntroductionStatus.PROPOSED: _("open"),
    IntroductionStatus.ACCEPTED: IntroductionStatus.ACCEPTED.label,
    IntroductionStatus.DECLINED: IntroductionStatus.DECLINED.label,
    IntroductionStatus.WITHDRAWN: IntroductionStatus.WITHDRAWN.label,
    IntroductionStatus.EXPIRED: IntroductionStatus.EXPIRED.label,
}
# No id is this long; longer is no id.
MAX_ID_DIGITS = 18


def _id(value):
    value = value if isinstance(value, str) else ""
    return (
        int(value) if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS else None
    )


def _list_url(status=IntroductionStatus.PROPOSED):
    return f"{reverse('partnerships:introduction_list')}?status={status}"


# Proposing


def _partnership(request):
    """The partnership the page proposes for (from the address, or the form), or None."""
    pk = _id(request.POST.get("partnership") or request.GET.get("partnership"))
    if pk is None:
        return None
    return get_object_or_404(Partnership.objects.select_related("municipality", "country"), pk=pk)


def _carried_by(user, partnership):
    profile = (
        PartnershipProfile.objects.filter(partnership=partnership)
        .select_related("carried_by")
        .first()
    )
    if profile is None or profile.carried_by is None:
        return None
    (shown,) = Organisation.objects.shown_to(user, [profile.carried_by])
    return shown


def _initial_second(request, form):
    """The organisation named in the address, where the user may choose it."""
    pk = _id(request.GET.get("organisation"))
    if pk is None:
        return None
    return form.fields["second"].queryset.filter(pk=pk).first()


@staff_area
@require_http_methods(["GET", "POST"])
def introduction_propose(request):
    user = request.user
    partnership = _partnership(request)
    if partnership is not None:
        require(user, "partnerships.propose_introduction", partnership.municipality)
    else:
        require(user, "partnerships.view_introductions")
    form = ProposeForm(request.POST or None, user=user, partnership=partnership)
    second = None
    first = _carried_by(user, partnership) if partnership is not None else None
    if request.method == "GET":
        second = _initial_second(request, form)
        if second is not None:
            form.initial["second"] = second.pk
    elif form.is_valid():
        second = form.cleaned_data["second"]
        first = first if partnership is not None else form.cleaned_data.get("first")
    suggestion = None
    if second is not None and first is not None and not getattr(first, "hidden", False):
        suggestion = introductions.explain(partnership, first, second)

    def save(data):
        return introductions.propose(
            user,
            partnership=partnership,
            first=data.get("first"),
            second=data["second"],
            message=data["message"],
        )

    context = {
        "partnership": partnership,
        "first": first,
        "second": second,
        "suggestion": suggestion,
        "answer_days": settings.INTRODUCTION_ANSWER_DAYS,
    }
    return form_page(
        request,
        form,
        "partnerships/introduction_propose.html",
        context,
        save,
        success=_(
            "The introduction is proposed: both organisations get an e-mail with the reasons "
            "and a link to answer."
        ),
        success_url=_list_url(),
    )


# The staff list


@staff_area
@require_http_methods(["GET"])
def introduction_list(request):
    require(request.user, "partnerships.view_introductions")
    status = request.GET.get("status")
    if status not in TABS:
        status = IntroductionStatus.PROPOSED
    introductions_ = (
        Introduction.objects.visible_to(request.user)
        .filter(status=status)
        .select_related(
            "first__municipality",
            "second__municipality",
            "partnership",
            "municipality",
            "proposed_by",
        )
        .prefetch_related("answers")
        .order_by("-proposed_at", "-pk")
    )
    page = Paginator(introductions_, settings.ACTOR_LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    # Named as the user may see them now (consent may have been withdrawn since): one query.
    Organisation.objects.shown_to(
        request.user, [o for row in rows for o in (row.first, row.second)]
    )
    for row in rows:
        answers = {answer.organisation_id: answer for answer in row.answers.all()}
        row.first_answer = answers.get(row.first_id)
        row.second_answer = answers.get(row.second_id)
        row.may_withdraw = row.status == IntroductionStatus.PROPOSED and request.user.has_perm(
            "partnerships.manage_introduction", row
        )
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "tabs": [(key, label, _list_url(key)) for key, label in TABS.items()],
    }
    return render(request, "partnerships/introduction_list.html", context)


@staff_area
@require_http_methods(["GET", "POST"])
def introduction_withdraw(request, pk):
    introduction = get_object_or_404(
        Introduction.objects.visible_to(request.user).select_related("first", "second"), pk=pk
    )
    require(request.user, "partnerships.manage_introduction", introduction)
    back_url = _list_url(introduction.status)
    first, second = Organisation.objects.shown_to(
        request.user, [introduction.first, introduction.second]
    )

    def act():
        try:
            introductions.withdraw(request.user, introduction)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("The introduction is withdrawn; its links no longer work."))
        return redirect(back_url)

    return confirm_first(
        request,
        act,
        question=fill(
            _("Withdraw the introduction of %(first)s and %(second)s?"),
            first=first.shown_name,
            second=second.shown_name,
        ),
        consequence=_(
            "Neither side can answer any more. The two organisations may be introduced again later."
        ),
        confirm=_("Withdraw introduction"),
        back_url=back_url,
    )


@staff_area
@require_http_methods(["POST"])
def introduction_send_again(request, pk):
    introduction = get_object_or_404(Introduction.objects.visible_to(request.user), pk=pk)
    require(request.user, "partnerships.manage_introduction", introduction)
    try:
        introductions.send_again(request.user, introduction)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            _("New e-mails are on their way to the sides that have not answered yet."),
        )
    return redirect(_list_url(introduction.status))


# The answer page (no account)


def _private(response):
    # The address holds the key: no referrer to other sites, no search engine, no cache.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def introduction_answer(request, token):
    """Every outcome answers 200: Django logs the address of a 4xx response, and the address
    holds the token."""
    try:
        answer = introductions.answer_for_token(token)
    except introductions.AnswerRefused as refusal:
        return _private(
            render(request, "partnerships/introduction_answer.html", {"refusal": refusal.message})
        )
    refusal = done = None
    if request.method == "POST":
        choice = request.POST.get("answer")
        if choice in ("accept", "decline"):
            try:
                answer = introductions.answer(token, choice == "accept")
                done = answer.answer
            except introductions.AnswerRefused as refused:
                refusal = refused.message
            answer = introductions.answer_for_token(token)
        else:
            refusal = _("Please choose one of the two buttons.")
    introduction = answer.introduction
    other = (
        introduction.second
        if answer.organisation_id == introduction.first_id
        else introduction.first
    )
    context = {
        "answer": answer,
        "introduction": introduction,
        "organisation": answer.organisation,
        "other": other,
        "partnership": introduction.partnership,
        "reasons": Reason.frozen(introduction.reasons),
        "closed": None if done else introductions.why_closed(answer, timezone.now()),
        "done": done,
        "refusal": refusal,
    }
    return _private(render(request, "partnerships/introduction_answer.html", context))
