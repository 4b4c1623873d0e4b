"""The audit log, readable (bruecken/accounts/history.py, where the admin's audit log uses it
too)."""

from bruecken.accounts.history import Text, describe_entries

__all__ = ["Text", "describe_entries"]
