from django.urls import path

from . import views

app_name = "guide"

urlpatterns = [
    path("", views.edition_list, name="edition_list"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
    path("recommendations/new/", views.recommendation_new, name="recommendation_new"),
    path(
        "programs/<int:program_pk>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path(
        "recommendations/<int:pk>/submit/",
        views.recommendation_submit,
        name="recommendation_submit",
    ),
    path(
        "recommendations/<int:pk>/review/",
        views.recommendation_review,
        name="recommendation_review",
    ),
    path(
        "recommendations/<int:pk>/comment/",
        views.recommendation_comment,
        name="recommendation_comment",
    ),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    path("editions/new/", views.edition_create, name="edition_create"),
    path("editions/<int:pk>/", views.edition_read, name="edition_read"),
    path("editions/<int:pk>/compose/", views.edition_detail, name="edition_detail"),
    path("editions/<int:pk>/status/", views.edition_status, name="edition_status"),
    path("editions/<int:pk>/edit/", views.edition_edit, name="edition_edit"),
    path("editions/<int:pk>/delete/", views.edition_delete, name="edition_delete"),
    path("editions/<int:pk>/publish/", views.edition_publish, name="edition_publish"),
    path("editions/<int:pk>/abandon/", views.edition_abandon_build, name="edition_abandon_build"),
    path("editions/<int:pk>/chapters/new/", views.chapter_add, name="chapter_add"),
    path("editions/<int:pk>/compare/", views.edition_compare, name="edition_compare"),
    path("editions/<int:pk>/file.<str:kind>", views.edition_file, name="edition_file"),
    path("editions/<int:pk>/unredacted/", views.edition_unredacted, name="edition_unredacted"),
    path(
        "editions/<int:pk>/unredacted/file.<str:kind>",
        views.edition_unredacted_file,
        name="edition_unredacted_file",
    ),
    path(
        "editions/<int:pk>/redaction/retry/",
        views.edition_redaction_retry,
        name="edition_redaction_retry",
    ),
    path("chapters/<int:pk>/edit/", views.chapter_edit, name="chapter_edit"),
    path("chapters/<int:pk>/delete/", views.chapter_delete, name="chapter_delete"),
    path("chapters/<int:pk>/move/", views.chapter_move, name="chapter_move"),
]
