"""The guideline's notices to staff, each in its recipient's language and sent by the worker
after the commit: a recommendation submitted for review (to the program office) and a review
decision (to the recommendation's author, with the reviewer's comment). Nobody is told of what
they did themselves."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from bruecken.accounts.models import Role, User
from bruecken.mail import send_each, templated_email

from .models import Recommendation, RecommendationStatus, ReviewComment

# The template of each decision's e-mail (returning it for changes makes it a draft again).
DECISION_TEMPLATES = {
    RecommendationStatus.ACCEPTED: "accepted",
    RecommendationStatus.REJECTED: "rejected",
    RecommendationStatus.DRAFT: "returned",
}


def _message(template, context, user):
    with translation.override(user.language):
        context = {
            **context,
            "url": settings.SITE_URL + context["recommendation"].get_absolute_url(),
        }
        return templated_email(f"guide/email/{template}", context, user.email)


def reviewers():
    """The program office's active accounts."""
    return (
        User.objects.filter(is_active=True, roles__role=Role.PROGRAM_OFFICE)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def review_messages(recommendation, submitted_by_id=None):
    return [
        _message("review", {"recommendation": recommendation}, user)
        for user in reviewers().exclude(pk=submitted_by_id)
    ]


def decision_messages(comment):
    """The e-mail to the author of the recommendation `comment` (a review decision) decided."""
    recommendation = comment.recommendation
    author = recommendation.created_by
    template = DECISION_TEMPLATES.get(comment.status)
    if (
        template is None
        or author is None
        or not author.is_active
        or not author.email
        or author.pk == comment.author_id
    ):
        return []
    return [_message(template, {"recommendation": recommendation, "comment": comment}, author)]


@task()
def send_review_request(recommendation_id, submitted_by_id=None):
    recommendation = Recommendation.objects.filter(pk=recommendation_id).first()
    if recommendation is None or recommendation.status != RecommendationStatus.IN_REVIEW:
        return 0
    return send_each(
        review_messages(recommendation, submitted_by_id),
        f"review request for recommendation {recommendation_id}",
    )


@task()
def send_decision(comment_id):
    comment = (
        ReviewComment.objects.select_related("recommendation__created_by")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return 0
    return send_each(decision_messages(comment), f"review decision {comment_id}")
