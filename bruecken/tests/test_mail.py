"""E-mails from templates (bruecken/mail.py)."""

from django.conf import settings
from django.utils import translation

from bruecken.mail import templated_email


def test_templated_email_renders_subject_and_body_in_the_active_language():
    context = {"organisations": []}
    with translation.override("en"):
        english = templated_email(
            "privacy/email/orphaned", context, "office@example.org", footer="Footer line\n"
        )
    with translation.override("de"):
        german = templated_email(
            "privacy/email/orphaned", context, "office@example.org", reply_to=["a@example.org"]
        )
    assert english.to == ["office@example.org"]
    assert english.from_email == settings.DEFAULT_FROM_EMAIL
    # One line, whatever the subject template's line breaks.
    assert "\n" not in english.subject and english.subject == english.subject.strip()
    assert english.subject != german.subject
    assert english.body.endswith("\n\nFooter line\n")
    assert not english.body.startswith("\n")
    assert german.reply_to == ["a@example.org"]
    assert "Footer line" not in german.body
