"""Issues: grouping scored posts into issues, per-issue state and signals over event-time windows, and the engine
that applies the escalation policy. Pure Python, Faust-free: the live agent and ``sigap simulate`` share it.

* :func:`streams.issues.keys.issue_id_for` - the stateless issue id of a post (called at scoring time);
* :class:`streams.issues.engine.IssueEngine` - state in any ``MutableMapping[str, dict]`` (a Faust table live,
  a dict offline); ``process(records) -> EngineOutput``.
"""
