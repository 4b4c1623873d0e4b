from django.urls import path

from . import introduction_views, views

app_name = "partnerships"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("municipalities/<int:pk>/", views.partnership_list, name="partnership_list"),
    path("municipalities/<int:pk>/new/", views.partnership_create, name="partnership_create"),
    path("<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("<int:pk>/edit/", views.partnership_edit, name="partnership_edit"),
    path("<int:pk>/delete/", views.partnership_delete, name="partnership_delete"),
    path("how-suggestions-are-made/", views.rule, name="rule"),
    path(
        "organisations/<int:pk>/",
        views.organisation_partnerships,
        name="organisation_partnerships",
    ),
    # Introductions (introduction_views.py); the answer page needs no account.
    path("introductions/", introduction_views.introduction_list, name="introduction_list"),
    path(
        "introductions/propose/",
        introduction_views.introduction_propose,
        name="introduction_propose",
    ),
    path(
        "introductions/<int:pk>/withdraw/",
        introduction_views.introduction_withdraw,
        name="introduction_withdraw",
    ),
    path(
        "introductions/<int:pk>/send-again/",
        introduction_views.introduction_send_again,
        name="introduction_send_again",
    ),
    path(
        "introductions/answer/<str:token>/",
        introduction_views.introduction_answer,
        name="introduction_answer",
    ),
]
