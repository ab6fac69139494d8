"""Escalation events (CloudEvents 1.0) and their routing hint."""

from streams.escalation.events import (
    DEFAULT_SOURCE,
    ESCALATED_TYPE,
    ROUTES,
    SPECVERSION,
    build_escalation,
    event_id,
    route_for,
)

__all__ = ["DEFAULT_SOURCE", "ESCALATED_TYPE", "ROUTES", "SPECVERSION", "build_escalation", "event_id", "route_for"]
