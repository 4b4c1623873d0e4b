"""The dashboards' addresses. bruecken/urls.py adds them to the programs' include, so that they
keep their addresses (/programs/<pk>/, /programs/processes/<pk>/) and URL names
(`programs:program_detail`, `programs:process_detail`) although events serves them."""

from django.urls import path

from . import dashboard_views

urlpatterns = [
    path("<int:pk>/", dashboard_views.program_detail, name="program_detail"),
    path("processes/<int:pk>/", dashboard_views.process_detail, name="process_detail"),
]
