from django.urls import path

from . import views

app_name = "programs"

# The dashboards (program_detail, process_detail) join these in bruecken/urls.py: events serves
# them (`bruecken.events.dashboard_urls`).
urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("new/", views.program_create, name="program_create"),
    path("<int:pk>/edit/", views.program_edit, name="program_edit"),
    path(
        "<int:pk>/municipalities/<int:municipality_pk>/start/",
        views.process_start,
        name="process_start",
    ),
    path("<int:pk>/municipalities/add/", views.municipality_add, name="municipality_add"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
]
