"""What waits for a user in the guideline (bruecken/waiting.py): recommendations in review for
the program office, one's own drafts not yet submitted for those who propose them."""

from django.urls import reverse
from django.utils.translation import ngettext

from bruecken.accounts import roles
from bruecken.waiting import Item

from .models import Recommendation, RecommendationStatus


def _list(status):
    return f"{reverse('guide:recommendation_list')}?status={status}"


def waiting_for(user, now):
    items = []
    if user.has_perm("guide.review_recommendation"):
        in_review = Recommendation.objects.filter(status=RecommendationStatus.IN_REVIEW).count()
        items.append(
            Item(
                ngettext(
                    "%(count)s recommendation waits for your review.",
                    "%(count)s recommendations wait for your review.",
                    in_review,
                )
                % {"count": in_review},
                _list(RecommendationStatus.IN_REVIEW),
                in_review,
            )
        )
    if roles.working_municipality_ids(user):
        drafts = (
            Recommendation.objects.visible_to(user)
            .filter(status=RecommendationStatus.DRAFT, created_by=user)
            .count()
        )
        items.append(
            Item(
                ngettext(
                    "%(count)s of your recommendations is a draft not yet submitted.",
                    "%(count)s of your recommendations are drafts not yet submitted.",
                    drafts,
                )
                % {"count": drafts},
                _list(RecommendationStatus.DRAFT),
                drafts,
                kind="info",
            )
        )
    return items
