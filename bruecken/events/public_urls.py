"""The participant side, mounted at /<language>/participate/."""

from django.urls import path

from . import public_views as views

app_name = "participate"

urlpatterns = [
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/register/", views.register, name="register"),
    path("events/<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("events/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("registrations/<int:pk>/accept/", views.accept_offer, name="accept_offer"),
    path("registrations/<int:pk>/cancel/", views.cancel_registration, name="cancel"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("registration/<str:token>/", views.registration_link, name="registration"),
    path("confirm/<str:token>/", views.confirm_registration, name="confirm_registration"),
    path("mine/", views.mine, name="mine"),
    path("calendar/programs/<int:pk>.ics", views.program_calendar, name="program_calendar"),
    path(
        "calendar/municipalities/<int:pk>.ics",
        views.municipality_calendar,
        name="municipality_calendar",
    ),
    path("calendar/people/<str:token>.ics", views.person_calendar, name="person_calendar"),
]
