"""The refusal every events service raises; below the services, so that the signed links
(`tokens`) and the e-mails can use it without importing the services."""

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A request the rules of the event do not allow; its message says why."""
