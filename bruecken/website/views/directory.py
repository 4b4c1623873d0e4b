"""The public organisation directory and profiles: consented organisations only.

The directory uses the staff list's filter code and list page (`actors.filters`,
`bruecken.web.list_page`): the same GET parameters, shareable addresses, and htmx updating the
results in place. Its select lists offer only what occurs among the published organisations."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from bruecken import fulltext, structured_data
from bruecken.actors.filters import filter_organisations
from bruecken.actors.forms import FilterForm, NamedChoiceField, NamedPickerField
from bruecken.actors.models import (
    EngagementForm,
    Membership,
    Organisation,
    OrganisationKind,
    Topic,
)
from bruecken.cache import cached_for_version, cached_page
from bruecken.places.models import Country, Language, Municipality, WorldRegion
from bruecken.programs.models import Program
from bruecken.translation import sorted_by_name
from bruecken.web import list_page
from bruecken.widgets import FastSelect


def _occurring(model, field):
    """The rows of `model` that some published organisation refers to through `field` (a
    many-to-many field of Organisation)."""
    used = Exists(Organisation.objects.public().filter(**{field: OuterRef("pk")}))
    return model.objects.filter(used)


class DirectoryFilterForm(FilterForm):
    """The staff list's filters (same names, same filter code) without "published", offering
    only values that occur among published organisations: one query per select list."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=FastSelect)
    region = NamedChoiceField(
        WorldRegion.objects.all(), label=_("World region"), empty_label=_("all")
    )
    country = NamedPickerField(
        Country.objects.all(), source="countries", label=_("Country of engagement")
    )
    topic = NamedChoiceField(Topic.objects.all(), label=_("Topic"), empty_label=_("all"))
    form = NamedChoiceField(
        EngagementForm.objects.all(), label=_("Form of engagement"), empty_label=_("all")
    )
    language = NamedPickerField(Language.objects.all(), source="languages", label=_("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = ("", _("all"))
        facets = public_facets()
        # Many: typed and picked, among the values that occur (any still validates).
        public = Organisation.objects.public()
        self.fields["municipality"].offered = Municipality.objects.filter(
            Exists(public.filter(municipality=OuterRef("pk")))
        )
        self.fields["country"].offered = _occurring(Country, "countries")
        self.fields["language"].offered = _occurring(Language, "languages")
        for name in ("region", "topic", "form"):
            options = facets[name]
            selected = self.data.get(name)
            # Validation keeps the whole tables: a shared address whose value has since left
            # the directory finds nothing, rather than silently listing everyone.
            if selected and selected not in {str(value) for value, _label in options}:
                options = options + self._selected_option(name, selected)
            self.fields[name].choices = [everything, *options]
        kinds = {*facets["kind"], self.data.get("kind")}
        # Any kind validates; the list offers those that occur (and the one selected).
        self.fields["kind"].choices = [everything, *OrganisationKind.choices]
        self.fields["kind"].widget.choices = [everything] + [
            (value, label) for value, label in OrganisationKind.choices if value in kinds
        ]

    def _selected_option(self, name, selected):
        # The field looks the value up as validation will (a NUL byte, a number no row can have
        # is no choice; PostgreSQL refuses a NUL in a query).
        try:
            row = self.fields[name].to_python(selected)
        except ValidationError:
            return []
        if row is None:
            return []
        return [(row.pk, row.name) if name == "municipality" else (row.code, row.name)]


def public_facets():
    """What the select lists offer: the values that occur among published organisations, in
    the active language. Computed once per content version and language (six queries)."""

    def compute():
        public = Organisation.objects.public()
        countries = sorted_by_name(_occurring(Country, "countries").select_related("region"))
        regions = {country.region.code: country.region for country in countries}
        municipalities = Municipality.objects.filter(
            Exists(public.filter(municipality=OuterRef("pk")))
        ).order_by("name")
        return {
            "municipality": [(m.pk, m.name) for m in municipalities],
            "country": [(c.code, c.name) for c in countries],
            "region": [(r.code, r.name) for r in sorted_by_name(regions.values())],
            "topic": [(t.code, t.name) for t in _occurring(Topic, "topics")],
            "form": [(f.code, f.name) for f in _occurring(EngagementForm, "engagement_forms")],
            "language": [
                (lang.code, lang.name) for lang in sorted_by_name(_occurring(Language, "languages"))
            ],
            "kind": set(public.order_by().values_list("kind", flat=True).distinct()),
        }

    return cached_for_version("directory-facets", compute)


# What a card of the directory shows of an organisation; the rest of its row stays unread.
CARD_FIELDS = ("name", "kind", "is_demo", "municipality__name")


class Results:
    """The directory's matches for its paginator, in a constant number of queries: the count,
    then the page's organisations (only what a card shows) with their countries and forms of
    engagement as lists (`listed_countries`, `listed_forms`). A search runs once: the ids of
    every match in order give the count and the page (counting, then slicing, would run it
    twice, and it is most of a page's time); the page's rows are then loaded by id."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.ranked = fulltext.is_ranked(queryset)
        self._ids = None

    def _matching_ids(self):
        if self._ids is None:
            self._ids = list(self.queryset.values_list("pk", flat=True))
        return self._ids

    def count(self):
        if self.ranked:
            return len(self._matching_ids())
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("The directory's results are read a page at a time.")
        if not self.ranked:
            return list(_cards(self.queryset)[index])
        ids = self._matching_ids()[index]
        found = {card.pk: card for card in _cards(Organisation.objects.filter(pk__in=ids))}
        return [found[pk] for pk in ids if pk in found]


def _cards(queryset):
    return (
        queryset.select_related("municipality")
        .only(*CARD_FIELDS)
        .prefetch_related(
            Prefetch(
                "countries",
                queryset=Country.objects.only("code", "name_de", "name_en").order_by("code"),
                to_attr="listed_countries",
            ),
            Prefetch(
                "engagement_forms",
                queryset=EngagementForm.objects.only("name_de", "name_en", "position"),
                to_attr="listed_forms",
            ),
        )
    )


@cached_page
def directory(request):
    def build_queryset(data):
        return Results(filter_organisations(Organisation.objects.public(), data))

    return list_page(
        request,
        DirectoryFilterForm(request.GET),
        build_queryset,
        "website/directory.html",
        "website/includes/directory_results.html",
    )


@cached_page
def organisation(request, pk):
    organisation = get_object_or_404(
        Organisation.objects.public()
        .select_related("municipality")
        .annotate(
            # Only a participating municipality has a public page to link to.
            municipality_participates=Exists(
                Program.municipalities.through.objects.filter(municipality=OuterRef("municipality"))
            )
        )
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.select_related("region")),
            "topics",
            "engagement_forms",
            "languages",
        ),
        pk=pk,
    )
    members = (
        Membership.objects.public()
        .current()
        .filter(organisation=organisation)
        .select_related("person")
        .only("role", "person__name")
        .order_by("person__name", "pk")
    )
    context = {
        "organisation": organisation,
        "countries": sorted_by_name(organisation.countries.all()),
        "languages": sorted_by_name(organisation.languages.all()),
        "members": list(members),
        "structured_data": structured_data.organization(organisation),
    }
    return render(request, "website/organisation.html", context)
