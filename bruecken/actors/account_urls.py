from django.urls import path

from . import account_views

app_name = "staff_accounts"

urlpatterns = [
    path("invitations/", account_views.invitation_list, name="invitation_list"),
    path("invitations/new/", account_views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/resend/", account_views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", account_views.invitation_revoke, name="invitation_revoke"),
    path("roles/", account_views.role_list, name="role_list"),
    path("roles/new/", account_views.role_grant, name="role_grant"),
    path("roles/<int:pk>/revoke/", account_views.role_revoke, name="role_revoke"),
    path("users/<int:pk>/active/", account_views.account_active, name="account_active"),
    path(
        "users/<int:pk>/second-factor/reset/",
        account_views.second_factor_reset,
        name="second_factor_reset",
    ),
    path("people/<int:pk>/account/", account_views.person_link, name="person_link"),
    path("people/<int:pk>/account/unlink/", account_views.person_unlink, name="person_unlink"),
]
