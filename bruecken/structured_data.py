"""schema.org descriptions (JSON-LD) of what the public pages show."""

from django.conf import settings
from django.urls import reverse

from bruecken.translation import localized


def absolute(path):
    return settings.SITE_URL + path


def site_organization(program=None):
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": program.office if program else "Brücken",
        "url": absolute(reverse("home")),
    }
    return data


def organization(organisation):
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": organisation.name,
        "url": absolute(reverse("website:organisation", args=[organisation.pk])),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": organisation.municipality.name,
            "addressCountry": "DE",
        },
    }
    if organisation.description:
        data["description"] = localized(organisation, "description")
    if organisation.website:
        data["sameAs"] = organisation.website
    if organisation.founded:
        data["foundingDate"] = str(organisation.founded)
    return data


def event(event):
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": localized(event, "title"),
        "url": absolute(reverse("participate:event", args=[event.pk])),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
    }
    if event.starts_at:
        data["startDate"] = event.starts_at.isoformat()
    if event.ends_at:
        data["endDate"] = event.ends_at.isoformat()
    description = localized(event, "description")
    if description:
        data["description"] = description
    locations = []
    if event.venue:
        locations.append(
            {"@type": "Place", "name": event.venue.splitlines()[0], "address": event.venue}
        )
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
        data["eventAttendanceMode"] = (
            "https://schema.org/MixedEventAttendanceMode"
            if len(locations) == 2
            else "https://schema.org/OnlineEventAttendanceMode"
            if event.online_url
            else "https://schema.org/OfflineEventAttendanceMode"
        )
    data["organizer"] = {"@type": "Organization", "name": event.program.office}
    return data


def news_article(article):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": localized(article, "title"),
        "description": localized(article, "summary"),
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "url": absolute(reverse("website:news_article", args=[article.slug])),
        "publisher": {"@type": "Organization", "name": "Brücken"},
    }
    if article.image_id:
        data["image"] = absolute(article.image.get_absolute_url())
    return data
