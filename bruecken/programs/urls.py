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
    path("municipalities/<int:pk>/partnerships/", views.partnership_list, name="partnership_list"),
    path(
        "municipalities/<int:pk>/partnerships/new/",
        views.partnership_create,
        name="partnership_create",
    ),
    path("partnerships/<int:pk>/edit/", views.partnership_edit, name="partnership_edit"),
    path("partnerships/<int:pk>/delete/", views.partnership_delete, name="partnership_delete"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
]
