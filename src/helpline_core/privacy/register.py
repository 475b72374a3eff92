"""The record of processing activities (GDPR article 30), built from the settings and the
code's declarations (`declarations.ACTIVITIES`), so it changes when the configuration does.
"""

from __future__ import annotations

from typing import Any

from helpline_core.config import Settings
from helpline_core.privacy.declarations import ACTIVITIES, SECURITY


def _transport(settings: Settings) -> str:
    if settings.relay.tls_cert and settings.relay.tls_key:
        return "the relay serves https and wss itself (relay.tls_cert)"
    if settings.relay.behind_proxy:
        return "TLS ends at the reverse proxy in front of the relay (relay.behind_proxy)"
    return "NO TLS configured: plain http and ws (acceptable for a test install only)"


def build(settings: Settings) -> dict[str, Any]:
    """The record as plain data: controller, contact, activities (purpose, categories of data
    and people, recipients, retention as configured), security measures and processors.

    Raises nothing: every value comes from validated settings."""
    return {
        "controller": settings.privacy.controller,
        "teams": [team.name for team in settings.teams],
        "contact": settings.privacy.contact or settings.helpline.email,
        "activities": [
            {
                "name": activity.name,
                "purpose": activity.purpose,
                "legal_basis": activity.legal_basis,
                "data_subjects": list(activity.data_subjects),
                "data": list(activity.data),
                "recipients": list(activity.recipients),
                "retention": activity.retention(settings),
                "settings": list(activity.keys),
                "code": list(activity.code),
            }
            for activity in ACTIVITIES
        ],
        "transfers_outside_eea": "none by the software; see the processors' locations",
        "security": [*SECURITY, f"transport: {_transport(settings)}"],
        "processors": [processor.model_dump() for processor in settings.privacy.processors],
    }


def _items(values: list[str]) -> str:
    return "; ".join(values)


def to_markdown(record: dict[str, Any]) -> str:
    """The record as a Markdown document for people (the DPO, the Authority)."""
    lines = [
        "# Record of processing activities (GDPR article 30)",
        "",
        f"- Controller: {record['controller']} ({', '.join(record['teams'])})",
        f"- Contact for privacy questions: {record['contact']}",
        f"- Transfers outside the EEA: {record['transfers_outside_eea']}",
        "",
        "## Processing activities",
    ]
    for activity in record["activities"]:
        lines += [
            "",
            f"### {activity['name']}",
            "",
            f"- Purpose: {activity['purpose']}",
            f"- Legal basis: {activity['legal_basis']}",
            f"- People: {_items(activity['data_subjects'])}",
            f"- Data: {_items(activity['data'])}",
            f"- Recipients: {_items(activity['recipients'])}",
            f"- Retention: {activity['retention']} ({', '.join(activity['settings'])})",
            f"- Code: {', '.join(activity['code'])}",
        ]
    lines += ["", "## Security measures (article 32)", ""]
    lines += [f"- {measure}" for measure in record["security"]]
    lines += ["", "## Processors (article 28)", ""]
    if not record["processors"]:
        lines.append("- none configured ([[privacy.processors]] in the configuration)")
    for processor in record["processors"]:
        where = f", in {processor['location']}" if processor["location"] else ""
        agreement = f", agreement {processor['agreement']}" if processor["agreement"] else ""
        data = f": {', '.join(processor['data'])}" if processor["data"] else ""
        lines.append(f"- {processor['name']}, {processor['service']}{where}{agreement}{data}")
    return "\n".join(lines) + "\n"
