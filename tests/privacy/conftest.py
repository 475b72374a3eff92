"""The privacy tests run a real relay on the test database, as the case-file tests do."""

from tests.cases.conftest import relay

__all__ = ["relay"]
