from django.urls import path

from . import outcome_views, views

app_name = "events"

urlpatterns = [
    path("programs/<int:program_pk>/new/", views.event_create, name="event_create"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/reschedule/", views.event_reschedule, name="event_reschedule"),
    path("<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("<int:pk>/agenda/new/", views.agenda_add, name="agenda_add"),
    path("agenda/<int:pk>/", views.agenda_edit, name="agenda_edit"),
    path("<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/participants/new/", views.participant_add, name="participant_add"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/sign-in-sheet/", views.sign_in_sheet, name="sign_in_sheet"),
    path("<int:pk>/goals/new/", outcome_views.goal_add, name="goal_add"),
    path("goals/<int:pk>/", outcome_views.goal_edit, name="goal_edit"),
    path("<int:pk>/results/new/", outcome_views.result_add, name="result_add"),
    path("results/<int:pk>/", outcome_views.result_edit, name="result_edit"),
    path("<int:pk>/ratings/", outcome_views.ratings, name="ratings"),
    path("<int:pk>/minutes/", outcome_views.minutes, name="minutes"),
]
