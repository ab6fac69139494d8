"""The evaluation report of ``sigap train``: metrics, the plain TF-IDF baseline on the same splits, the table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from streams.models import data as D
from streams.models.negation_probes import NEGATION_SETS


def metrics(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    per = f1_score(y_true, y_pred, labels=list(labels), average=None, zero_division=0)
    return {
        "macro_f1": round(100 * float(f1_score(y_true, y_pred, labels=list(labels), average="macro", zero_division=0)), 2),
        "accuracy": round(100 * float(accuracy_score(y_true, y_pred)), 2),
        "f1_per_class": {lab: round(100 * float(v), 2) for lab, v in zip(labels, per)},
        "n": len(y_true),
    }


def baseline_report(smsa_tr, smsa_va, nusax_tr, nusax_va, news, tweets, groups, cfg, sent_keep, n_smsa) -> dict:
    """Plain TF-IDF (scikit-learn defaults, word unigrams, raw lower-cased text) + logistic regression on the same
    splits, for comparison in the report."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, StratifiedKFold
    from sklearn.pipeline import make_pipeline

    def pipe():
        return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))

    texts = smsa_tr.texts + nusax_tr.texts
    labels = smsa_tr.labels + nusax_tr.labels
    texts = [texts[i] for i in sent_keep]
    labels = [labels[i] for i in sent_keep]
    m = pipe().fit(texts, labels)
    out = {
        "sentiment_smsa_valid": metrics(smsa_va.labels, m.predict(smsa_va.texts), D.SENTIMENT_LABELS)["macro_f1"],
        "sentiment_nusax_valid": metrics(nusax_va.labels, m.predict(nusax_va.texts), D.SENTIMENT_LABELS)["macro_f1"],
    }
    pred = np.empty(len(tweets), dtype=object)
    for tr, te in GroupKFold(cfg.folds).split(tweets.texts, tweets.labels, groups):
        mm = pipe().fit([tweets.texts[i] for i in tr], [tweets.labels[i] for i in tr])
        pred[te] = mm.predict([tweets.texts[i] for i in te])
    out["hoax_tweets_unseen_topics"] = metrics(tweets.labels, list(pred), D.HOAX_LABELS)["macro_f1"]
    pred = np.empty(len(news), dtype=object)
    for tr, te in StratifiedKFold(cfg.folds, shuffle=True, random_state=cfg.seed).split(news.texts, news.labels):
        mm = pipe().fit([news.texts[i] for i in tr], [news.labels[i] for i in tr])
        pred[te] = mm.predict([news.texts[i] for i in te])
    out["hoax_news_heldout"] = metrics(news.labels, list(pred), D.HOAX_LABELS)["macro_f1"]
    return out


def format_report(report: dict[str, Any]) -> str:
    rows = [("task", "split", "metric", "Sigap", "95 % CI", "baseline", "target")]
    base = report.get("baseline", {})
    s, h, c = report["sentiment"], report["hoax"], report["claims"]
    rows.append(("sentiment", f"SmSA valid (official), n={s['smsa_valid']['n']}", "macro-F1",
                 f"{s['smsa_valid']['macro_f1']:.1f}", _ci(s['smsa_valid']),
                 _fmt(base.get("sentiment_smsa_valid")), "82"))
    rows.append(("sentiment", f"NusaX valid, near-dups removed from train, n={s['nusax_valid']['n']}", "macro-F1",
                 f"{s['nusax_valid']['macro_f1']:.1f}", _ci(s['nusax_valid']),
                 _fmt(base.get("sentiment_nusax_valid")), "78"))
    for key, (what, _) in NEGATION_SETS.items():
        probes = s.get(key)
        if not probes:
            continue
        order = ("positive", "negative", "neutral")
        of = " / ".join(str(probes["n_by_label"][lab]) for lab in order)
        rows.append(("sentiment", f"{what}, n={probes['n']}", "macro-F1", f"{probes['macro_f1']:.1f}", _ci(probes),
                     "-", "-"))
        rows.append(("sentiment", f"  right of {of}: positive / negative / neutral", "count",
                     " / ".join(str(probes["right_by_label"][lab]) for lab in order), "-", "-", "-"))
    rows.append(("hoax", f"news, stratified 5-fold CV, n={h['news_heldout']['n']}", "macro-F1",
                 f"{h['news_heldout']['macro_f1']:.1f}", _ci(h['news_heldout']),
                 _fmt(base.get("hoax_news_heldout")), "85"))
    rows.append(("hoax", f"tweets, unseen topics (grouped 5-fold), n={h['tweets_unseen_topics']['n']}", "macro-F1",
                 f"{h['tweets_unseen_topics']['macro_f1']:.1f}", _ci(h['tweets_unseen_topics']),
                 _fmt(base.get("hoax_tweets_unseen_topics")), "73"))
    with_claims = h.get("tweets_with_claim_match")
    if with_claims:
        weight = f"{with_claims['claim_weight']:g}"
        rows.append(("hoax", f"  same + claim match (weight {weight}), claim indexed", "macro-F1",
                     f"{with_claims['known_claim']['macro_f1']:.1f}", "-", "-", "-"))
        rows.append(("hoax", f"  same + claim match (weight {weight}), claim not indexed", "macro-F1",
                     f"{with_claims['unknown_claim']['macro_f1']:.1f}", "-", "-", "-"))
    rows.append(("claims", f"tweets vs the {c['claims_in_index']} starter claims, n={c['posts_with_claim']}",
                 "right claim first %", f"{c['right_claim_first']:.1f}", _ci(c, "right_claim_first_ci95"), "-", "97"))
    rows.append(("claims", f"SmSA+NusaX valid (no claim), n={c['posts_without_claim']}", "no match %",
                 f"{c['no_match_when_none']:.1f}", _ci(c, "no_match_when_none_ci95"), "-", "95"))
    if "no_match_when_claim_unknown" in c:
        rows.append(("claims", f"tweets whose claim is not indexed, n={c['posts_with_unknown_claim']}", "no match %",
                     f"{c['no_match_when_claim_unknown']:.1f}", "-", "-", "95"))
        rows.append(("claims", "  same, a restatement of the post's own claim not counted", "no match %",
                     f"{c['no_match_or_restated_claim_when_claim_unknown']:.1f}", "-", "-", "95"))
    if "ordinary_posts_flagged_hoax" in h:
        rows.append(("hoax", f"SmSA+NusaX valid (ordinary posts), n={h['ordinary_posts_n']}", "flagged hoax %",
                     f"{h['ordinary_posts_flagged_hoax']:.1f}", "-", "-", "-"))
    for lab, v in h.get("ordinary_posts_flagged_hoax_smsa_valid_by_sentiment", {}).items():
        rows.append(("hoax", f"  of which SmSA valid {lab}", "flagged hoax %", f"{v:.1f}", "-", "-", "-"))
    if "news_leads" in h:
        rows.append(("hoax", f"news articles' first sentences as posts, n={h['news_leads']['n']}", "macro-F1",
                     f"{h['news_leads']['macro_f1']:.1f}", "-", "-", "-"))
        rows.append(("hoax", "  of which valid articles' flagged hoax", "flagged hoax %",
                     f"{h['news_leads']['valid_flagged_hoax']:.1f}", "-", "-", "-"))
    if "phatic_posts_flagged_hoax" in h:
        rows.append(("hoax", f"authored greetings, wishes, prayers (held out), n={h['phatic_posts_n']}",
                     "flagged hoax %", f"{h['phatic_posts_flagged_hoax']:.1f}", "-", "-", "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  ".join(v.ljust(widths[i]) if i < 3 else v.rjust(widths[i]) for i, v in enumerate(r)))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _ci(section: dict, key: str = "macro_f1_ci95") -> str:
    bounds = section.get(key)
    return "-" if not bounds else f"{bounds[0]:.1f}–{bounds[1]:.1f}"


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{float(v):.1f}"
