from django.contrib.auth import views as auth_views
from django.urls import reverse

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    """E-mail login; afterwards each role lands where its work is."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        user = self.request.user
        if user.has_perm("accounts.access_staff_area"):
            return reverse("actors:organisation_list")
        if hasattr(user, "person"):
            return reverse("participate:mine")
        return reverse("home")
