"""The public organisation directory and profiles: consented organisations only.

The directory uses the staff list's filter code and list page (`actors.filters`,
`bruecken.web.list_page`): the same GET parameters, shareable addresses, and htmx updating the
results in place. Its select lists offer only what occurs among the published organisations."""

from dataclasses import dataclass

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
from bruecken.pickers import SOURCE_ROWS, PickerField
from bruecken.places.models import Country, Language, Municipality, WorldRegion
from bruecken.programs.models import Program
from bruecken.translation import is_english, sorted_by_name
from bruecken.web import list_page
from bruecken.widgets import FastSelect

from ..pickers import occurring


class DirectoryFilterForm(FilterForm):
    """The staff list's filters (same names, same filter code) without "published", offering
    only values that occur among published organisations: one query per select list."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=FastSelect)
    region = NamedChoiceField(
        WorldRegion.objects.all(), label=_("World region"), empty_label=_("all")
    )
    municipality = PickerField(
        Municipality.objects.all(),
        source="directory-municipalities",
        label=_("Municipality"),
        required=False,
    )
    country = NamedPickerField(
        Country.objects.all(), source="directory-countries", label=_("Country of engagement")
    )
    topic = NamedChoiceField(Topic.objects.all(), label=_("Topic"), empty_label=_("all"))
    form = NamedChoiceField(
        EngagementForm.objects.all(), label=_("Form of engagement"), empty_label=_("all")
    )
    language = NamedPickerField(
        Language.objects.all(), source="directory-languages", label=_("Language")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = ("", _("all"))
        facets = public_facets()
        # Many: typed and picked, among the values that occur (any still validates).
        for name in ("municipality", "country", "language"):
            self.fields[name].offered = SOURCE_ROWS
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
        countries = sorted_by_name(occurring(Country, "countries").select_related("region"))
        regions = {country.region.code: country.region for country in countries}
        municipalities = occurring(Municipality, "municipality").order_by("name")
        return {
            "municipality": [(m.pk, m.name) for m in municipalities],
            "country": [(c.code, c.name) for c in countries],
            "region": [(r.code, r.name) for r in sorted_by_name(regions.values())],
            "topic": [(t.code, t.name) for t in occurring(Topic, "topics")],
            "form": [(f.code, f.name) for f in occurring(EngagementForm, "engagement_forms")],
            "language": [
                (lang.code, lang.name) for lang in sorted_by_name(occurring(Language, "languages"))
            ],
            "kind": set(public.order_by().values_list("kind", flat=True).distinct()),
        }

    return cached_for_version("directory-facets", compute)


@dataclass(frozen=True)
class Card:
    """What the directory shows of an organisation, in the page's language."""

    pk: int
    name: str
    kind: str
    is_demo: bool
    municipality: str
    countries: tuple
    forms: tuple


def cards(ids):
    """The cards of the organisations `ids`, in that order: three queries of plain values (a
    page's model instances, with their countries and forms, were a third of its time)."""
    english = is_english()
    kinds = dict(OrganisationKind.choices)

    def names(field_name, order):
        field = Organisation._meta.get_field(field_name)
        target = field.m2m_reverse_field_name()
        named = {}
        rows = (
            field.remote_field.through.objects.filter(organisation__in=ids)
            .order_by(*(f"{target}__{key}" for key in order))
            .values_list("organisation_id", f"{target}__name_de", f"{target}__name_en")
        )
        for organisation, german, other in rows:
            named.setdefault(organisation, []).append(other if english else german)
        return named

    countries = names("countries", ("code",))
    forms = names("engagement_forms", ("position", "pk"))
    rows = Organisation.objects.filter(pk__in=ids).values_list(
        "pk", "name", "kind", "is_demo", "municipality__name"
    )
    found = {
        pk: Card(
            pk,
            name,
            kinds.get(kind, kind),
            is_demo,
            municipality,
            tuple(countries.get(pk, ())),
            tuple(forms.get(pk, ())),
        )
        for pk, name, kind, is_demo, municipality in rows
    }
    return [found[pk] for pk in ids if pk in found]


class Results:
    """The directory's matches for its paginator, in a constant number of queries: the count,
    then the page's cards. A search runs once: the ids of every match in order give the count
    and the page (counting, then slicing, would run it twice, and it is most of a page's
    time)."""

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
        if self.ranked:
            return cards(self._matching_ids()[index])
        return cards(list(self.queryset.values_list("pk", flat=True)[index]))


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
