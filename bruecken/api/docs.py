"""The interactive API documentation (Swagger UI), served entirely by us under the strict CSP:
Swagger UI's files come from the django-ninja package through `views.docs_asset`, and the page
has no inline script (its settings travel in data attributes, read by static/api/docs.js)."""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class LocalSwagger(DocsBase):
    def render_page(self, request, api, **kwargs):
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", context)
