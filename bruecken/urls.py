from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from bruecken import health
from bruecken.events import dashboard_urls
from bruecken.programs import urls as program_urls
from bruecken.website.sitemaps import SITEMAPS
from bruecken.website.views import pages, robots

# 503 rather than 500 while the shared cache (Redis) is unreachable.
handler500 = health.server_error

urlpatterns = [
    # For load balancers and orchestrators: outside the language prefix, no account needed.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("robots.txt", robots.robots_txt),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    # The API keeps one address in every language: integrations must not depend on a prefix.
    path("api/", include("bruecken.api.urls")),
]
urlpatterns += i18n_patterns(
    path("", pages.home, name="home"),
    path("", include("bruecken.website.urls")),
    path("accounts/", include("bruecken.accounts.urls")),
    # The type-ahead pickers' search, in the page's language (labels are translated).
    path("pickers/", include("bruecken.pickers")),
    path("accounts/invitations/", include("bruecken.accounts.invitation_urls")),
    path("staff/accounts/", include("bruecken.actors.account_urls")),
    path("actors/", include("bruecken.actors.urls")),
    path("personal-data/", include("bruecken.privacy.urls")),
    # The program and process dashboards are mostly about workshops: events serves them, under
    # the programs' addresses and URL names.
    path(
        "programs/",
        include((program_urls.urlpatterns + dashboard_urls.urlpatterns, program_urls.app_name)),
    ),
    path("events/", include("bruecken.events.urls")),
    path("participate/", include("bruecken.events.public_urls")),
    path("network/", include("bruecken.network.urls")),
    path("guide/", include("bruecken.guide.urls")),
    path("reports/", include("bruecken.reports.urls")),
    path("transfer/", include("bruecken.transfer.urls")),
    path("partnerships/", include("bruecken.partnerships.urls")),
    path("advisory/", include("bruecken.advisory.urls")),
)
