from functools import wraps

from django.urls import URLPattern, path, re_path

from . import views
from .api import api

app_name = "api"


def _method_errors_in_json(view):
    """HEAD answered as GET without a body; other methods the API does not have get 405 in
    JSON, like every other error of the API."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = view(request, *args, **kwargs)
        if head:
            request.method = "HEAD"
            response.content = b""
        if response.status_code == 405:
            return views.method_not_allowed(request, response)
        return response

    return wrapped


def _api_patterns():
    patterns, app, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _method_errors_in_json(pattern.callback)
    return patterns, app, namespace


urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("", views.index, name="index"),
    path("v1/", views.index),
    path("v1/docs/assets/<str:name>", views.docs_asset, name="docs_asset"),
    path("v1/", _api_patterns()),
    # Unknown addresses under the API answer in JSON, as everything else there.
    re_path(r"^(?P<rest>v1/.*)$", views.not_found),
]
