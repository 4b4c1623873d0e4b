"""sitemap.xml: every public page in both languages, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from bruecken.actors.models import Organisation
from bruecken.events.models import Event
from bruecken.places.models import Municipality
from bruecken.programs.models import Program

from .models import NewsArticle, Page


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(BilingualSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "home",
            "website:directory",
            "website:calendar",
            "website:news_list",
            "website:contact",
        ]

    def location(self, item):
        return reverse(item)


class ProgramSitemap(BilingualSitemap):
    def items(self):
        return Program.objects.order_by("pk")

    def location(self, program):
        return reverse("website:program", args=[program.pk])


class MunicipalitySitemap(BilingualSitemap):
    def items(self):
        return Municipality.objects.filter(programs__isnull=False).distinct().order_by("pk")

    def location(self, municipality):
        return reverse("website:municipality", args=[municipality.pk])


class OrganisationSitemap(BilingualSitemap):
    limit = 5000

    def items(self):
        # Consented profiles only: nothing else is public.
        return Organisation.objects.public().order_by("pk")

    def location(self, organisation):
        return reverse("website:organisation", args=[organisation.pk])

    def lastmod(self, organisation):
        return organisation.updated_at


class EventSitemap(BilingualSitemap):
    def items(self):
        return Event.objects.public().order_by("pk")

    def location(self, event):
        return reverse("participate:event", args=[event.pk])

    def lastmod(self, event):
        return event.updated_at


class NewsSitemap(BilingualSitemap):
    def items(self):
        return NewsArticle.objects.published().order_by("pk")

    def lastmod(self, article):
        return article.updated_at


class PageSitemap(BilingualSitemap):
    def items(self):
        return Page.objects.published().order_by("pk")

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {
    "static": StaticSitemap,
    "programs": ProgramSitemap,
    "municipalities": MunicipalitySitemap,
    "organisations": OrganisationSitemap,
    "events": EventSitemap,
    "news": NewsSitemap,
    "pages": PageSitemap,
}
