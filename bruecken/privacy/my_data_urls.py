""" "Meine Daten": what is held about the signed-in person, its export, their own details and
their consents (my_data_views)."""

from django.urls import path

from . import my_data_views as views

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("export/", views.request_export, name="my_data_export"),
    path("export/status/", views.export_status, name="my_data_export_status"),
    path("export/<uuid:pk>/", views.download, name="my_data_download"),
    path("details/", views.details, name="my_data_details"),
    path("consent/<slug:kind>/", views.consent, name="my_data_consent"),
]
