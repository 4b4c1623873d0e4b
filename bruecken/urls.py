from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from bruecken import views

urlpatterns = [
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("bruecken.accounts.urls")),
    path("actors/", include("bruecken.actors.urls")),
    path("programs/", include("bruecken.programs.urls")),
    path("events/", include("bruecken.events.urls")),
    path("participate/", include("bruecken.events.public_urls")),
)
