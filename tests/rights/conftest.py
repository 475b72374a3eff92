"""Fixtures for the rights tests: a running relay on the test database (console view)."""

from tests.cases.conftest import relay

__all__ = ["relay"]
