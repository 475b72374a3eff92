"""The admin and cron command line: thin commands over helpline_core services."""
