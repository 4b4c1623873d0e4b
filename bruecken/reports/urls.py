from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("processes/<int:pk>/", views.process_document, name="process_document"),
    path("processes/<int:pk>/build/", views.process_document_build, name="process_document_build"),
    path(
        "processes/<int:pk>/status/", views.process_document_status, name="process_document_status"
    ),
    path("builds/<int:pk>/download/", views.build_download, name="build_download"),
    path("municipalities/<int:pk>/organisations/", views.brochure, name="brochure"),
    path("municipalities/<int:pk>/organisations.pdf", views.brochure_pdf, name="brochure_pdf"),
]
