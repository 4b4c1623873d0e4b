"""The privacy pages: "Meine Daten" (my_data_urls), erasure and the privacy ledger
(erasure_urls), and the pages for people without an account reached from e-mails (guest_urls)."""

from django.urls import include, path

from . import erasure_urls, guest_urls, my_data_urls

app_name = "privacy"
urlpatterns = [
    path("", include(my_data_urls)),
    path("", include(erasure_urls)),
    path("", include(guest_urls)),
]
