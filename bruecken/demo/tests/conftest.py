"""The demo's tests use the completed Bonn process of the guide's tests."""

from bruecken.guide.tests.conftest import process  # noqa: F401
