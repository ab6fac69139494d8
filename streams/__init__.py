"""Sigap: real-time detection and escalation of harmful issues in Indonesian online conversation."""

__version__ = "0.1.0"
