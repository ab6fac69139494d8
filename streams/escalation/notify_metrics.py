"""Prometheus metrics of `sigap notify`, in a registry of their own: a notifier is its own process (served with
``--metrics-port``), scraped as job ``sigap-notify``, so the workers' alerts never see it."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry(auto_describe=True)
OUTCOMES = ("delivered", "rejected", "not_followed", "repeated", "unreadable")

events = Counter("sigap_notify_events", "Events of the escalations topic handled, by outcome.", ["outcome"],
                 registry=REGISTRY)
retries = Counter("sigap_notify_retries",
                  "Webhook attempts that got no response, 408, 429 or 5xx, and were retried.", registry=REGISTRY)
last_delivered = Gauge("sigap_notify_last_delivered_timestamp_seconds",
                       "Wall-clock time of the last event the webhook took.", registry=REGISTRY)
info = Gauge("sigap_notify_info", "This notifier's name and format (value 1).", ["notifier", "format"],
             registry=REGISTRY)

for _outcome in OUTCOMES:
    events.labels(outcome=_outcome)
