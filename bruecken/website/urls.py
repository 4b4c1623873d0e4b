"""The public website, mounted at /<language>/, and its editorial area for the program office."""

from django.urls import path

from .views import calendar, content, directory, editorial, listing, news, pages, personal, search

app_name = "website"

urlpatterns = [
    path("program/", pages.current_program_page, name="current_program"),
    path("program/<int:pk>/", pages.program, name="program"),
    path(
        "municipalities/",
        pages.current_program_page,
        {"section": "#municipalities"},
        name="municipalities",
    ),
    path("municipalities/<int:pk>/", pages.municipality, name="municipality"),
    path("organisations/", directory.directory, name="directory"),
    path("organisations/<int:pk>/", directory.organisation, name="organisation"),
    path("organisations/ask-to-be-listed/", listing.listing_request, name="listing_request"),
    path("home/", personal.personal_home, name="personal_home"),
    path("search/", search.search, name="search"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/<int:year>/<int:month>/", calendar.month, name="calendar_month"),
    path("news/", news.news_list, name="news_list"),
    path("news/feed.atom", news.NewsFeed(), name="news_feed"),
    path("news/<slug:slug>/", news.news_article, name="news_article"),
    path("pages/<slug:slug>/", content.page, name="page"),
    path("imprint/", content.purpose_page, {"purpose": "imprint"}, name="imprint"),
    path("privacy/", content.purpose_page, {"purpose": "privacy"}, name="privacy"),
    path(
        "accessibility/",
        content.purpose_page,
        {"purpose": "accessibility"},
        name="accessibility",
    ),
    path(
        "easy-language/",
        content.purpose_page,
        {"purpose": "easy_language"},
        name="easy_language",
    ),
    path("accessibility/feedback/", content.feedback, name="feedback"),
    path("contact/", content.contact, name="contact"),
    path("images/<int:pk>/<str:name>", content.image, name="image"),
    # The program office's editorial area.
    path("editorial/", editorial.overview, name="editorial"),
    path("editorial/news/new/", editorial.news_create, name="editorial_news_create"),
    path("editorial/news/<int:pk>/", editorial.news_update, name="editorial_news_update"),
    path("editorial/pages/new/", editorial.page_create, name="editorial_page_create"),
    path("editorial/pages/<int:pk>/", editorial.page_update, name="editorial_page_update"),
    path("editorial/images/", editorial.image_list, name="editorial_images"),
    path("editorial/preview/", editorial.preview, name="editorial_preview"),
    path("editorial/messages/", editorial.message_list, name="editorial_messages"),
    path(
        "editorial/messages/<int:pk>/handled/",
        editorial.message_handled,
        name="editorial_message_handled",
    ),
]
