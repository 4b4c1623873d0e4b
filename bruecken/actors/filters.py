"""Turn a validated filter form into a query. Many-to-many filters use EXISTS, so an organisation
engaged in two countries of a region is listed once, without DISTINCT over the whole list."""

from django.db.models import Exists, OuterRef, Q

from .models import PUBLIC, Membership


def _through_exists(model, field, **lookups):
    through = model._meta.get_field(field).remote_field.through
    source = model._meta.model_name
    return Exists(through.objects.filter(**{source: OuterRef("pk")}, **lookups))


def _filter_related(queryset, data, filters):
    """Apply the many-to-many filters `data` holds: {parameter: (field, lookup in the through
    table)}."""
    for key, (field, lookup) in filters.items():
        if data.get(key):
            queryset = queryset.filter(
                _through_exists(queryset.model, field, **{lookup: data[key]})
            )
    return queryset


# In the order SQLite checks them on each candidate: one lookup in a link table each, then the
# region, which joins the countries (3 of 21 ms in the directory filtered by region, topic and
# a word at 50,000 organisations, when it came before the topic).
ORGANISATION_RELATED = {
    "country": ("countries", "country"),
    "topic": ("topics", "topic"),
    "form": ("engagement_forms", "engagementform"),
    "language": ("languages", "language"),
    "region": ("countries", "country__region"),
}
PERSON_RELATED = {"country": ("countries", "country"), "language": ("languages", "language")}


def filter_organisations(queryset, data):
    """The organisations of `queryset` that pass the filters in `data`; with words to search
    for (`q`), the best matches first (`Organisation.objects.search`)."""
    if data.get("municipality"):
        queryset = queryset.filter(municipality=data["municipality"])
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    queryset = _filter_related(queryset, data, ORGANISATION_RELATED)
    if data.get("public") == "yes":
        queryset = queryset.filter(PUBLIC)
    elif data.get("public") == "no":
        queryset = queryset.exclude(PUBLIC)
    return queryset.search(data.get("q"))


def filter_people(queryset, data, user):
    """The people of `queryset` that pass the filters in `data`, the best matches for `q`
    first, as far as `user` may search them (`Person.objects.search_as`: private details and
    e-mail addresses only of the people whose contact details `user` may see)."""
    if data.get("municipality"):
        municipality = data["municipality"]
        queryset = queryset.filter(
            Q(municipality=municipality)
            | Exists(
                Membership.objects.filter(
                    person=OuterRef("pk"), organisation__municipality=municipality
                )
            )
        )
    queryset = _filter_related(queryset, data, PERSON_RELATED)
    if data.get("role") == "decision_maker":
        queryset = queryset.filter(is_decision_maker=True)
    elif data.get("role") == "multiplier":
        queryset = queryset.filter(is_multiplier=True)
    return queryset.search_as(user, data.get("q"))
