"""The public organisation directory and profiles: consented organisations only.

The directory uses the staff list's filter code and list page (`actors.filters`,
`actors.views._list_page`): the same GET parameters, shareable addresses, and htmx updating the
results in place. Its select lists offer only what occurs among the published organisations."""

from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bruecken.actors.filters import filter_organisations
from bruecken.actors.forms import NamedChoiceField
from bruecken.actors.models import (
    EngagementForm,
    Membership,
    Organisation,
    OrganisationKind,
    Topic,
)
from bruecken.actors.views import _list_page
from bruecken.places.models import Country, Language, Municipality, WorldRegion
from bruecken.programs.models import Program
from bruecken.translation import sorted_by_name

from .. import structured_data
from ..cache import cached_page


def public_organisations():
    return Organisation.objects.filter(consent_given_at__isnull=False)


def _occurring(model, field, selected=None):
    """The rows of `model` that some published organisation refers to through `field` (a
    many-to-many field of Organisation), and the one selected in the filter."""
    through = Organisation._meta.get_field(field).remote_field.through
    target = model._meta.model_name
    used = Exists(
        through.objects.filter(
            **{target: OuterRef("pk")}, organisation__consent_given_at__isnull=False
        )
    )
    condition = Q(used) | Q(code=selected) if selected else Q(used)
    return model.objects.filter(condition)


class DirectoryFilterForm(forms.Form):
    """The staff list's filters (same names, same filter code) without "published", offering
    only values that occur among published organisations: one query per select list."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    municipality = forms.ModelChoiceField(
        Municipality.objects.all(), label=_("Municipality"), required=False, empty_label=_("all")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    region = NamedChoiceField(
        WorldRegion.objects.all(), label=_("World region"), empty_label=_("all")
    )
    country = NamedChoiceField(
        Country.objects.all(), label=_("Country of engagement"), empty_label=_("all")
    )
    topic = NamedChoiceField(Topic.objects.all(), label=_("Topic"), empty_label=_("all"))
    form = NamedChoiceField(
        EngagementForm.objects.all(), label=_("Form of engagement"), empty_label=_("all")
    )
    language = NamedChoiceField(Language.objects.all(), label=_("Language"), empty_label=_("all"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data
        everything = ("", _("all"))
        public = public_organisations()
        # Validation keeps the whole tables: a shared address whose value has since left the
        # directory finds nothing, rather than silently listing everyone.
        occurring = Q(Exists(public.filter(municipality=OuterRef("pk"))))
        if _integer(data.get("municipality")) is not None:
            occurring |= Q(pk=_integer(data["municipality"]))
        self.fields["municipality"].choices = [everything] + [
            (m.pk, m.name) for m in Municipality.objects.filter(occurring).order_by("name")
        ]
        countries = sorted_by_name(
            _occurring(Country, "countries", data.get("country")).select_related("region")
        )
        self.fields["country"].choices = [everything] + [(c.code, c.name) for c in countries]
        regions = {c.region.code: c.region for c in countries}
        selected = data.get("region")
        if selected and selected not in regions:
            regions.update({r.code: r for r in WorldRegion.objects.filter(code=selected)})
        self.fields["region"].choices = [everything] + [
            (r.code, r.name) for r in sorted_by_name(regions.values())
        ]
        self.fields["topic"].choices = [everything] + [
            (t.code, t.name) for t in _occurring(Topic, "topics", data.get("topic"))
        ]
        self.fields["form"].choices = [everything] + [
            (f.code, f.name)
            for f in _occurring(EngagementForm, "engagement_forms", data.get("form"))
        ]
        self.fields["language"].choices = [everything] + [
            (lang.code, lang.name)
            for lang in sorted_by_name(_occurring(Language, "languages", data.get("language")))
        ]
        kinds = set(public.order_by().values_list("kind", flat=True).distinct())
        kinds.add(data.get("kind"))
        # Any kind validates; the list offers those that occur (and the one selected).
        self.fields["kind"].choices = [everything, *OrganisationKind.choices]
        self.fields["kind"].widget.choices = [everything] + [
            (value, label) for value, label in OrganisationKind.choices if value in kinds
        ]


def _integer(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@cached_page
def directory(request):
    def build_queryset(data):
        return (
            filter_organisations(public_organisations(), data)
            .select_related("municipality")
            .prefetch_related(
                Prefetch("countries", queryset=Country.objects.order_by("code")),
                "engagement_forms",
            )
        )

    return _list_page(
        request,
        DirectoryFilterForm(request.GET),
        build_queryset,
        "website/directory.html",
        "website/includes/directory_results.html",
    )


@cached_page
def organisation(request, pk):
    organisation = get_object_or_404(
        public_organisations()
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
    today = timezone.localdate()
    members = (
        Membership.objects.filter(organisation=organisation, person__consent_given_at__isnull=False)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
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
