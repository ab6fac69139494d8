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
