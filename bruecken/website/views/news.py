"""News: the list, an article and the Atom feed. Only published articles whose date has come."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from bruecken import structured_data
from bruecken.cache import cached_page
from bruecken.translation import localized

from ..models import NewsArticle

PAGE_SIZE = 10
FEED_SIZE = 20


def _published():
    return NewsArticle.objects.published().select_related("image", "municipality")


@cached_page
def news_list(request):
    page = Paginator(_published(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "website/news_list.html", {"page": page})


@cached_page
def news_article(request, slug):
    article = get_object_or_404(_published(), slug=slug)
    return render(
        request,
        "website/news_article.html",
        {"article": article, "structured_data": structured_data.news_article(article)},
    )


def _absolute(path):
    return settings.SITE_URL + path


class NewsFeed(Feed):
    """The news as an Atom feed in the language of its address (/de/… or /en/…), with absolute
    links to the public address (SITE_URL), whichever host the request came to."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        return cached_page(super().__call__)(request, *args, **kwargs)

    def title(self):
        return _("News") + " · Brücken"

    def subtitle(self):
        return _("Brücken connects migrant organisations with municipal development actors.")

    def link(self):
        return _absolute(reverse("website:news_list"))

    def feed_url(self):
        return _absolute(reverse("website:news_feed"))

    def author_name(self):
        return "Brücken"

    def items(self):
        return _published()[:FEED_SIZE]

    def item_title(self, item):
        return localized(item, "title")

    def item_description(self, item):
        return localized(item, "summary")

    def item_link(self, item):
        return _absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # An article edited before its publish date was first shown on that date.
        return max(item.updated_at, item.published_at)
