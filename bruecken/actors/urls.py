from django.urls import path

from . import listing_views, views

app_name = "actors"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path(
        "organisations/<int:pk>/consent/", views.organisation_consent, name="organisation_consent"
    ),
    path("organisations/<int:pk>/members/new/", views.membership_add, name="membership_add"),
    path("organisations/<int:pk>/ties/new/", views.tie_add, name="tie_add"),
    path(
        "organisations/<int:organisation_pk>/ties/<int:pk>/",
        views.tie_edit,
        name="tie_edit",
    ),
    path("memberships/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("people/<int:pk>/consent/", views.person_consent, name="person_consent"),
    path("listing-requests/", listing_views.queue, name="listing_requests"),
    path("listing-requests/<int:pk>/", listing_views.detail, name="listing_request_detail"),
    path(
        "listing-requests/<int:pk>/accept/",
        listing_views.accept,
        name="listing_request_accept",
    ),
    path(
        "listing-requests/<int:pk>/decline/",
        listing_views.decline,
        name="listing_request_decline",
    ),
]
