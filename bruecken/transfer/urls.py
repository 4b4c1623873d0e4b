from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("", views.index, name="index"),
    path("imports/<int:pk>/", views.run_detail, name="run"),
    path("imports/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("imports/<int:pk>/check/", views.run_check, name="run_check"),
    path("imports/<int:pk>/values/", views.run_values, name="run_values"),
    path("imports/<int:pk>/values/change/", views.run_change_value, name="run_change_value"),
    path("imports/<int:pk>/commit/", views.run_commit, name="run_commit"),
    path("imports/<int:pk>/abandon/", views.run_abandon, name="run_abandon"),
    path("export/organisations/", views.export_organisations, name="export_organisations"),
    path("export/people/", views.export_people, name="export_people"),
]
