"""The staff page for API tokens, the docs' static files, and JSON for unknown API addresses."""

from pathlib import Path

import ninja
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bruecken.permissions import require
from bruecken.web import apply_form_error, confirm_then, fill, staff_area

from . import services
from .forms import TokenForm
from .models import ApiToken

NEW_TOKEN_SESSION_KEY = "api_new_token"  # noqa: S105 – a session key, not a secret
NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
}


@staff_area
@never_cache
def tokens(request):
    """Create a token and list tokens: one's own, or everyone's for the program office. The
    new secret is passed to the page after the redirect through the session and taken out of it
    there, so it is shown once, and reloading the page creates no second token."""
    require(request.user, "api.create_token")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.create_token(request.user, form.cleaned_data["name"])
        except ValidationError as error:
            apply_form_error(form, error)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "secret": raw}
            return redirect("api:tokens")
    created = None
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    if new:
        token = ApiToken.objects.filter(pk=new["id"], user=request.user).first()
        if token is not None:
            created = {"token": token, "secret": new["secret"]}
    sees_all = request.user.has_perm("api.view_all_tokens")
    queryset = ApiToken.objects.select_related("user")
    if not sees_all:
        queryset = queryset.filter(user=request.user)
    context = {
        "form": form,
        "created": created,
        "tokens": list(queryset),
        "sees_all": sees_all,
    }
    return render(request, "api/tokens.html", context, status=422 if form.errors else 200)


@staff_area
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if not request.user.has_perm("api.revoke_token", token):
        # Someone else's token: as if it did not exist.
        raise Http404

    return confirm_then(
        request,
        lambda: services.revoke_token(request.user, token),
        done=_("The token “%(name)s” is revoked.") % {"name": token.name},
        then="api:tokens",
        question=fill(_("Revoke the token “%(name)s”?"), name=token.name),
        consequence=_(
            "Programs that use this token can no longer read the API. This cannot be undone; "
            "a new token can be created."
        ),
        confirm=_("Revoke token"),
        back_url=reverse("api:tokens"),
    )


def docs_asset(request, name):
    """Swagger UI's files from the django-ninja package: served by us, no CDN."""
    if name not in DOCS_ASSETS:
        raise Http404
    # FileResponse closes the file once it is sent.
    response = FileResponse(
        open(NINJA_STATIC / name, "rb"),  # noqa: SIM115
        content_type=DOCS_ASSETS[name],
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def not_found(request, rest=""):
    return JsonResponse({"detail": _("Not found.")}, status=404)


def method_not_allowed(request, response):
    answer = JsonResponse(
        {"detail": _("The method %(method)s is not allowed here.") % {"method": request.method}},
        status=405,
    )
    allowed = response.get("Allow", "GET")
    answer["Allow"] = f"{allowed}, HEAD" if "GET" in allowed.split(", ") else allowed
    return answer


def index(request):
    """Where the API's schema and documentation are."""
    return JsonResponse(
        {
            "versions": {"v1": request.build_absolute_uri(reverse("api:v1:openapi-json"))},
            "openapi": reverse("api:v1:openapi-json"),
            "docs": reverse("api:v1:openapi-view"),
            "tokens": reverse("api:tokens"),
        }
    )
