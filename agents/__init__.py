"""Thin Faust agents: each wires topics to the pure logic in `streams`. Discovered by the app."""
