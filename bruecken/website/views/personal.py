"""The personal home page: where every role lands after signing in. It lists what waits for
the user, as each app's provider (bruecken/waiting.py) finds it, and the areas their roles open."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bruecken import waiting


@login_required
def personal_home(request):
    user = request.user
    context = {
        "items": waiting.for_user(user),
        "assignments": list(
            user.roles.select_related("municipality", "organisation").order_by("role", "pk")
        ),
        "person": getattr(user, "person", None),
    }
    return render(request, "website/personal_home.html", context)
