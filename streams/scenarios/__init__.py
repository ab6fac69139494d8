"""Scenario streams built from the shipped data: what Sigap must escalate (and must not), for demos and tests."""

from streams.scenarios.builder import (
    DEFAULT_START,
    SCENARIOS,
    build_scenario,
    describe_scenarios,
    list_scenarios,
    scenario_minutes,
)

__all__ = ["DEFAULT_START", "SCENARIOS", "build_scenario", "describe_scenarios", "list_scenarios",
           "scenario_minutes"]
