from django.urls import path

from . import views

app_name = "advisory"

urlpatterns = [
    path("", views.advice_overview, name="overview"),
    path("export/", views.advice_export, name="export"),
    path("new/", views.advice_create, name="advice_create"),
    path("organisations/<int:pk>/", views.organisation_advice, name="organisation"),
    path("organisations/<int:pk>/new/", views.advice_create, name="organisation_advice_create"),
    path("<int:pk>/", views.advice_detail, name="advice_detail"),
    path("<int:pk>/edit/", views.advice_edit, name="advice_edit"),
    path("<int:pk>/follow-up/", views.advice_follow_up, name="advice_follow_up"),
    path("<int:pk>/delete/", views.advice_delete, name="advice_delete"),
]
