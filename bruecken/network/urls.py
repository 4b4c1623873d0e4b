from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("programs/<int:pk>/", views.program_network, name="program"),
    path("programs/<int:pk>/graph.json", views.program_data, name="program_data"),
    path("programs/<int:pk>/export/<str:format>", views.program_export, name="program_export"),
    path("municipalities/<int:pk>/", views.municipality_network, name="municipality"),
    path("municipalities/<int:pk>/graph.json", views.municipality_data, name="municipality_data"),
    path(
        "municipalities/<int:pk>/export/<str:format>",
        views.municipality_export,
        name="municipality_export",
    ),
]
