"""Metrics beyond the contract keep their labels bounded."""

from streams import metrics


def _value(model: str, label: str) -> float:
    return metrics.REGISTRY.get_sample_value("sigap_posts_labelled_total", {"model": model, "label": label}) or 0.0


def test_labelled_posts_are_counted_per_model_and_label_and_unknown_labels_are_not():
    before = {key: _value(*key) for key in [("hoax", "hoax"), ("sentiment", "positive"), ("claim_match", "matched"),
                                            ("claim_match", "none"), ("language", "readable"), ("language", "other")]}
    posts = [
        {"scores": {"hoax": {"label": "hoax"}, "sentiment": {"label": "positive"}, "claim_match": {"claim_id": "c"},
                    "language": None}},
        {"scores": {"hoax": {"label": "hoax"}, "sentiment": {"label": "sarcastic"}, "claim_match": None,
                    "language": {"code": "en", "probability": 0.98}}},
    ]
    metrics.count_labels(posts)
    assert _value("hoax", "hoax") == before[("hoax", "hoax")] + 2
    assert _value("sentiment", "positive") == before[("sentiment", "positive")] + 1
    assert _value("claim_match", "matched") == before[("claim_match", "matched")] + 1
    assert _value("claim_match", "none") == before[("claim_match", "none")] + 1
    assert _value("language", "readable") == before[("language", "readable")] + 1
    assert _value("language", "other") == before[("language", "other")] + 1
    assert metrics.REGISTRY.get_sample_value("sigap_posts_labelled_total",
                                             {"model": "sentiment", "label": "sarcastic"}) is None


def test_an_escalation_is_counted_with_how_long_after_its_issue_s_first_post_it_came():
    def sample(name: str, level: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, {"level": level}) or 0.0

    names = ("sigap_escalations_total", "sigap_escalation_detection_seconds_count",
             "sigap_escalation_detection_seconds_sum")
    before = {name: sample(name, "3") for name in names}
    under_5_min = metrics.REGISTRY.get_sample_value("sigap_escalation_detection_seconds_bucket",
                                                   {"level": "3", "le": "300.0"}) or 0.0
    metrics.observe_escalation({"time": "2024-06-03T01:05:51.864Z",
                                "data": {"level": 3, "first_seen": "2024-06-03T01:03:05.797Z"}})
    metrics.observe_escalation({"time": "2024-06-03T01:05:51.864Z", "data": {"level": 3}})  # no first_seen
    assert sample("sigap_escalations_total", "3") == before["sigap_escalations_total"] + 2
    observed = sample("sigap_escalation_detection_seconds_count", "3")
    assert observed == before["sigap_escalation_detection_seconds_count"] + 1
    assert abs(sample("sigap_escalation_detection_seconds_sum", "3")
               - before["sigap_escalation_detection_seconds_sum"] - 166.067) < 1e-6
    assert metrics.REGISTRY.get_sample_value("sigap_escalation_detection_seconds_bucket",
                                            {"level": "3", "le": "300.0"}) == under_5_min + 1


def test_the_issue_engine_s_posts_are_counted_by_outcome():
    from datetime import timedelta

    from streams.issues.engine import IssueEngine
    from streams.policy import load_policy
    from tests.issues.helpers import T0, scored_post

    def outcome(name: str) -> float:
        return metrics.REGISTRY.get_sample_value("sigap_issue_posts_total", {"outcome": name}) or 0.0

    before = {name: outcome(name) for name in metrics.ISSUE_POST_OUTCOMES}
    engine = IssueEngine(load_policy(), {}, {})
    first = [scored_post(i, "banjir di kemang", T0 + timedelta(minutes=i)) for i in range(30)]
    metrics.count_issue_posts(engine.process(first))
    late = scored_post(100, "banjir di kemang", T0 + timedelta(minutes=1))  # its minute was judged long ago
    metrics.count_issue_posts(engine.process([late, first[-1], {"kind": "feedback", "issue_id": "x"}, "junk"]))
    assert {name: outcome(name) - before[name] for name in metrics.ISSUE_POST_OUTCOMES} == {
        "counted": 30, "late": 1, "duplicate": 1, "invalid": 2}


def test_every_input_topic_s_deleted_unread_series_exists_before_its_first_deletion():
    """Found by QA: the series appeared at its first value, so `increase()` saw no increase and the
    SigapInputDeletedUnread alert could not fire for the first deletion a worker met."""
    from streams.app import topics

    for topic in (topics.posts, topics.feedback, topics.issue_events):
        value = metrics.REGISTRY.get_sample_value("sigap_input_records_deleted_unread_total",
                                                  {"topic": topic.get_topic_name()})
        assert value is not None and value >= 0


def test_the_policy_source_s_reloads_refusals_and_state_are_exported_as_counters_and_a_gauge():
    def sample(name: str) -> float:
        return metrics.REGISTRY.get_sample_value(name) or 0.0

    before = {name: sample(name) for name in ("sigap_policy_reloads_total", "sigap_policy_rejected_total")}
    metrics.observe_policy(reloads=0, rejected=0, in_force=True)  # a worker's first look: nothing happened yet
    metrics.observe_policy(reloads=2, rejected=1, in_force=False)
    metrics.observe_policy(reloads=2, rejected=1, in_force=False)  # the same counts again add nothing
    assert sample("sigap_policy_reloads_total") == before["sigap_policy_reloads_total"] + 2
    assert sample("sigap_policy_rejected_total") == before["sigap_policy_rejected_total"] + 1
    assert sample("sigap_policy_file_in_force") == 0.0
    metrics.observe_policy(reloads=3, rejected=1, in_force=True)
    assert sample("sigap_policy_file_in_force") == 1.0
    assert sample("sigap_policy_reloads_total") == before["sigap_policy_reloads_total"] + 3
