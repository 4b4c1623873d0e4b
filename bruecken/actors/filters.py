"""Turn a validated filter form into a query. Many-to-many filters use EXISTS, so an organisation
engaged in two countries of a region is listed once, without DISTINCT over the whole list."""

from django.db.models import Exists, OuterRef, Q

from .models import Membership, Organisation, Person


def _through_exists(model, field, **lookups):
    through = model._meta.get_field(field).remote_field.through
    source = model._meta.model_name
    return Exists(through.objects.filter(**{source: OuterRef("pk")}, **lookups))


def search_terms(text):
    return [term.casefold() for term in (text or "").split()][:10]


def filter_organisations(queryset, data):
    for term in search_terms(data.get("q")):
        queryset = queryset.filter(search_text__contains=term)
    if data.get("municipality"):
        queryset = queryset.filter(municipality=data["municipality"])
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("country"):
        queryset = queryset.filter(
            _through_exists(Organisation, "countries", country=data["country"])
        )
    if data.get("region"):
        queryset = queryset.filter(
            _through_exists(Organisation, "countries", country__region=data["region"])
        )
    if data.get("topic"):
        queryset = queryset.filter(_through_exists(Organisation, "topics", topic=data["topic"]))
    if data.get("form"):
        queryset = queryset.filter(
            _through_exists(Organisation, "engagement_forms", engagementform=data["form"])
        )
    if data.get("language"):
        queryset = queryset.filter(
            _through_exists(Organisation, "languages", language=data["language"])
        )
    if data.get("public") == "yes":
        queryset = queryset.filter(consent_given_at__isnull=False)
    elif data.get("public") == "no":
        queryset = queryset.filter(consent_given_at__isnull=True)
    return queryset


def filter_people(queryset, data):
    for term in search_terms(data.get("q")):
        queryset = queryset.filter(search_text__contains=term)
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
    if data.get("country"):
        queryset = queryset.filter(_through_exists(Person, "countries", country=data["country"]))
    if data.get("language"):
        queryset = queryset.filter(_through_exists(Person, "languages", language=data["language"]))
    if data.get("role") == "decision_maker":
        queryset = queryset.filter(is_decision_maker=True)
    elif data.get("role") == "multiplier":
        queryset = queryset.filter(is_multiplier=True)
    return queryset
