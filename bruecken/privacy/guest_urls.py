"""The pages behind the personal link in e-mails to people without an account (guest_views)."""

from django.urls import path

from . import guest_views as views

urlpatterns = [
    path("link/<str:token>/", views.overview, name="guest"),
    path("link/<str:token>/export/", views.export, name="guest_export"),
    path("link/<str:token>/export/<uuid:pk>/", views.download, name="guest_download"),
    path("link/<str:token>/delete/", views.delete, name="guest_delete"),
    path("link/<str:token>/unsubscribe/", views.unsubscribe, name="guest_unsubscribe"),
]
