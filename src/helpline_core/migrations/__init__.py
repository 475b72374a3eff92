"""Alembic migrations for the helpline schema (SQLite and PostgreSQL)."""
