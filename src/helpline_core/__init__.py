"""The helpline's domain: configuration, storage, and the use cases every front end calls."""

__version__ = "0.1.0"
