"""Erasure and the privacy ledger (erasure_views), under /personal-data/."""

from django.urls import path

from . import erasure_views as views

urlpatterns = [
    path("delete/", views.delete_account, name="delete_account"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("erasure/<int:pk>/", views.erasure_request, name="erasure_request"),
    path("erasure/<int:pk>/carry-out/", views.carry_out, name="erasure_carry_out"),
    path("erasure/person/<int:person_pk>/", views.record_request, name="erasure_record"),
]
