from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control


@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """Crawlers welcome on the public site, not in the staff and personal areas."""
    private = [
        "/admin/",
        *(
            f"/{code}/{area}/"
            for code, _name in settings.LANGUAGES
            for area in (
                "accounts",
                "actors",
                "programs",
                "events",
                "editorial",
                "participate/mine",
            )
        ),
    ]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in private)]
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
