"""Escalation policy: declarative YAML rules turning issue signals into alert levels, validated and hot-reloaded."""

from streams.policy.loader import (
    DEFAULT_POLICY_PATH,
    PolicyError,
    PolicySource,
    StaticPolicySource,
    as_policy_source,
    load_policy,
    parse_policy,
)
from streams.policy.model import Condition, Policy, Rule
from streams.policy.signals import LEVEL_NAMES, LEVEL_NUMBERS, SIGNALS

__all__ = [
    "DEFAULT_POLICY_PATH",
    "LEVEL_NAMES",
    "LEVEL_NUMBERS",
    "SIGNALS",
    "Condition",
    "Policy",
    "PolicyError",
    "PolicySource",
    "Rule",
    "StaticPolicySource",
    "as_policy_source",
    "load_policy",
    "parse_policy",
]
