"""Signals of one issue at one event-time minute, and the policy's verdict on them.

Everything here is a pure function of the issue's buckets up to and including the evaluated minute: posts
created later, even if they already arrived, are never looked at, so the outcome does not depend on arrival
order or replay speed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from streams.issues.places import merged
from streams.issues.state import KMV_BUCKET, KMV_TOTAL, MICRO, kmv_estimate, kmv_union
from streams.issues.timeutil import MINUTE_MS
from streams.policy.model import Policy, Rule
from streams.policy.signals import SIGNALS

RATIO_CAP = 1_000_000.0


@dataclass
class Snapshot:
    """The signals of an issue at the end of one event-time minute."""

    minute: int
    values: dict[str, float]
    time_ms: int | None                 # latest created_at among the issue's posts up to this minute
    window_start_ms: int
    window_end_ms: int
    baseline_rate: float                # posts per minute the issue's own (shrunk) baseline predicts
    totals: dict                        # lifetime counts up to this minute
    coordination: dict | None           # evidence of the largest near-identical cluster, if big enough
    samples: list[dict] = field(default_factory=list)
    claim_counts: dict[str, int] = field(default_factory=dict)
    window_posts_in_minute: int = 0     # posts in the evaluated minute itself
    # the window's posts per platform and per province (of those that name a region), largest first
    spread: dict = field(default_factory=lambda: {"platforms": {}, "regions": {}})


@dataclass
class Verdict:
    level: int
    reasons: list[dict]
    rules: list[str]


def _weight(value: float, steps, beyond: float, unknown: float) -> float:
    if value < 0:
        return unknown
    for step in steps:
        if value < step.below:
            return step.weight
    return beyond


def account_weight(age_days: float, followers: int, policy: Policy) -> float:
    """How much one account counts towards coordination: 1.0 for a brand-new account with no audience."""
    c = policy.coordination
    age_w = _weight(age_days, c.account_age_days, c.old_account_weight, c.unknown_age_weight)
    followers_w = _weight(float(followers), c.followers, c.large_account_weight, c.unknown_weight)
    return age_w * followers_w


def _robust_baseline(counts: list[int], policy: Policy) -> float:
    b = policy.baseline
    trimmed = sorted(counts)
    drop = int(len(trimmed) * b.trim_fraction)
    if drop:
        trimmed = trimmed[:-drop]
    return (sum(trimmed) + b.global_posts_per_minute * b.prior_minutes) / (len(trimmed) + b.prior_minutes)


@dataclass
class Coordination:
    score: float = 0.0            # weighted distinct accounts in the densest span
    accounts: int = 0             # distinct accounts in that span
    growth_share: float = 0.0     # share of them whose first post falls in the evaluated minute
    evidence: dict | None = None  # the accounts, when the cluster is big enough to report


def _densest_span(entries: list[list], span_s: int, policy: Policy) -> tuple[float, int, int, int]:
    """(weighted count, count, start index, end index) of the densest ``span_s``-second stretch of a cluster's
    accounts (entries sorted by first post time)."""
    weights = [account_weight(e[1], e[2], policy) for e in entries]
    best = (0.0, 0, 0, 0)
    lo = 0
    total = 0.0
    for hi, entry in enumerate(entries):
        total += weights[hi]
        while entry[3] - entries[lo][3] > span_s:
            total -= weights[lo]
            lo += 1
        candidate = (round(total, 6), hi - lo + 1, lo, hi + 1)
        if candidate[:2] > best[:2]:
            best = candidate
    return best


def _coordination(buckets: list[dict], minute: int, policy: Policy) -> Coordination:
    """The largest cluster of near-identical posts by distinct accounts within ``coordination_minutes`` (its
    densest stretch inside the evaluation window), accounts weighted by freshness and audience."""
    clusters: dict[str, dict[str, list]] = {}
    for bucket in buckets:
        for band, accounts in bucket["co"].items():
            cluster = clusters.setdefault(band, {})
            for entry in accounts:
                known = cluster.get(entry[0])
                if known is None or entry[3] < known[3]:
                    cluster[entry[0]] = entry
    span_s = policy.windows.coordination_minutes * 60
    best: tuple | None = None
    for band in sorted(clusters):
        cluster = clusters[band]
        if len(cluster) < 2:
            continue
        entries = sorted(cluster.values(), key=lambda e: (e[3], e[0]))
        score, count, lo, hi = _densest_span(entries, span_s, policy)
        if best is None or (score, count) > best[:2]:
            best = (score, count, entries[lo:hi])
    if best is None:
        return Coordination()
    score, count, members = best
    minute_start = minute * 60
    fresh_now = sum(1 for e in members if e[3] >= minute_start)
    result = Coordination(score=score, accounts=count, growth_share=fresh_now / count)
    if count >= policy.coordination.min_accounts:
        times = [e[3] for e in members]
        result.evidence = {
            "accounts": count,
            "window_seconds": max(1, times[-1] - times[0]),
            "sample_account_ids": [e[0] for e in members[: policy.evidence.sample_accounts]],
            "weighted_accounts": round(score, 2),
            "fresh_accounts": sum(1 for e in members if 0 <= e[1] < 30),
            "small_accounts": sum(1 for e in members if 0 <= e[2] < 100),
            "first_post_at_s": times[0],
            "last_post_at_s": times[-1],
        }
    return result


def window_buckets(state: dict, minute: int, policy: Policy) -> list[dict]:
    """The detailed buckets of the evaluation window that ends with ``minute``, oldest first."""
    detailed = state["m"]
    keys = (str(b) for b in range(minute - policy.windows.evaluation_minutes + 1, minute + 1))
    return [detailed[key] for key in keys if key in detailed]


def snapshot(state: dict, minute: int, policy: Policy) -> Snapshot:
    """The signals of ``state`` at the end of event-time ``minute``."""
    w = policy.windows
    detailed = state["m"]
    window = window_buckets(state, minute, policy)
    n = sum(b["n"] for b in window)
    neg = sum(b["neg"] for b in window)
    pos = sum(b["pos"] for b in window)
    hoax = sum(b["hoax"] for b in window)
    reach = sum(b["reach"] for b in window)
    shares = sum(b["shares"] for b in window)
    # above KMV_BUCKET authors the count is an estimate, which can overshoot: never more authors than posts
    authors = min(kmv_estimate(kmv_union([b["au"] for b in window], KMV_BUCKET), KMV_BUCKET), n)

    claims = state["claims"]
    window_claims: dict[str, int] = {}
    for bucket in window:
        for claim_id, count in bucket["cl"].items():
            window_claims[claim_id] = window_claims.get(claim_id, 0) + count
    debunked_ids = {claim_id for claim_id in window_claims
                    if policy.is_debunked(claims.get(claim_id, {}).get("verdict"))}
    debunked = sum(window_claims[claim_id] for claim_id in debunked_ids)
    similarity_micro = sum(bucket.get("cs", {}).get(claim_id, 0) for bucket in window for claim_id in debunked_ids)

    # posts per minute over the baseline minutes; most minutes of most issues have none, and only the multiset
    # of counts matters, so the minutes that have posts are looked up rather than every minute of the range
    first, last = minute - w.evaluation_minutes - w.baseline_minutes + 1, minute - w.evaluation_minutes
    busy = {key: n for key, n in state["c"].items() if first <= int(key) <= last}
    busy.update((key, bucket["n"]) for key, bucket in detailed.items() if first <= int(key) <= last)
    rate = _robust_baseline([0] * (w.baseline_minutes - len(busy)) + list(busy.values()), policy)
    expected = rate * w.evaluation_minutes
    spread = math.sqrt(expected + policy.baseline.dispersion * expected * expected + 1.0)
    burst = (n - expected) / spread
    velocity = n / w.evaluation_minutes

    coordination = _coordination(window, minute, policy)

    # Lifetime totals up to this minute: everything archived plus detailed buckets not after it.
    arch = state["arch"]
    upto = [bucket for key, bucket in detailed.items() if int(key) <= minute]
    totals = {f: arch[f] + sum(b[f] for b in upto) for f in ("n", "neg", "pos", "hoax", "hp", "reach", "shares")}
    totals["authors"] = min(kmv_estimate(kmv_union([arch["au"]] + [b["au"] for b in upto], KMV_TOTAL), KMV_TOTAL),
                            totals["n"])
    claim_counts = dict(arch["cl"])
    for bucket in upto:
        for claim_id, count in bucket["cl"].items():
            claim_counts[claim_id] = claim_counts.get(claim_id, 0) + count
    latest = max((b["max_ms"] for b in upto), default=None)

    samples = []
    for bucket in window:
        samples.extend(bucket["sm"])
    samples.sort(key=lambda s: (-int(s.get("reach") or 0), str(s.get("id"))))

    values = {
        "volume": float(n),
        "velocity": velocity,
        "burst": burst,
        "growth": min(RATIO_CAP, velocity / rate) if rate > 0 else (RATIO_CAP if n else 0.0),
        "global_growth": min(RATIO_CAP, velocity / policy.baseline.global_posts_per_minute),
        "authors": float(authors),
        "reach": float(reach),
        "shares": float(shares),
        "negativity": neg / n if n else 0.0,
        "positivity": pos / n if n else 0.0,
        "hoax": hoax / n if n else 0.0,
        "claim_match": debunked / n if n else 0.0,
        "claim_similarity": similarity_micro / MICRO / debunked if debunked else 0.0,
        "coordination": coordination.score,
        "coordinated_accounts": float(coordination.accounts),
        "coordination_weight": coordination.score / coordination.accounts if coordination.accounts else 0.0,
        "coordination_growth": coordination.growth_share,
        "total_posts": float(totals["n"]),
    }
    assert set(values) == set(SIGNALS)
    current = detailed.get(str(minute))
    return Snapshot(
        minute=minute,
        values=values,
        time_ms=latest,
        window_start_ms=(minute - w.evaluation_minutes + 1) * MINUTE_MS,
        window_end_ms=(minute + 1) * MINUTE_MS,
        baseline_rate=rate,
        totals=totals,
        coordination=coordination.evidence,
        samples=samples,
        claim_counts=claim_counts,
        window_posts_in_minute=current["n"] if current else 0,
        spread={"platforms": merged([b.get("pl", {}) for b in window]),
                "regions": merged([b.get("rg", {}) for b in window])},
    )


def fewest_posts_to_escalate(policy: Policy, limit: int = 100_000) -> int:
    """The fewest posts in an issue's evaluation window with which some rule, or the hold, could hold.

    Some signals can never exceed a bound set by the window's post count ``n``: volume is ``n``, velocity
    ``n / evaluation_minutes``, distinct authors at most ``n`` (counted exactly below the sketch size),
    coordinated accounts at most ``n`` and their weighted score at most ``n`` times the largest account weight.
    A rule with a ``gte``/``gt`` condition on one of them cannot hold below the ``n`` that lets the bound pass it;
    a rule without such a condition gives 0 (it might hold at any volume). So a window with fewer posts than the
    result judges to level 0 with no reason, whatever the other signals (see
    :meth:`streams.issues.evaluation.Evaluator.evaluate`).
    """
    w = policy.windows.evaluation_minutes
    c = policy.coordination
    heaviest = (max([c.old_account_weight, c.unknown_age_weight, *(step.weight for step in c.account_age_days)])
                * max([c.large_account_weight, c.unknown_weight, *(step.weight for step in c.followers)]))
    bounds = {
        "volume": float,
        "velocity": lambda n: n / w,
        "authors": lambda n: float(n) if n < KMV_BUCKET else math.inf,
        "coordinated_accounts": float,
        "coordination": lambda n: n * heaviest,
    }

    def fewest(conditions: dict) -> int:
        need = 0
        for signal, cond in conditions.items():
            bound = bounds.get(signal)
            if bound is None or cond.op not in ("gte", "gt"):
                continue  # not bounded by the volume, or a ceiling: the value can be anything below the bound
            n = 0
            while n < limit and not cond.holds(bound(n)):
                n += 1
            need = max(need, n)
        return need

    candidates = [fewest(rule.when) for rule in policy.rules]
    if policy.hold.max_minutes and policy.hold.when:
        candidates.append(fewest(policy.hold.when))
    return min(candidates, default=limit)


UNITS = {
    "velocity": "posts/min", "volume": "posts", "authors": "accounts", "reach": "people", "shares": "shares",
    "coordination": "weighted accounts", "coordinated_accounts": "accounts", "coordination_weight": "per account",
    "total_posts": "posts",
    "burst": "sd", "growth": "x own baseline", "global_growth": "x global baseline",
}
SHARES = {"negativity", "positivity", "hoax", "claim_match", "coordination_growth"}
OP_TEXT = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}


def _fmt(signal: str, value: float) -> str:
    if signal in SHARES:
        return f"{value * 100:.0f}%"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.2f}"


def describe(signal: str, value: float, op: str, threshold: float, snap: Snapshot, policy: Policy) -> str:
    w = policy.windows
    unit = UNITS.get(signal, "")
    base = f"{_fmt(signal, value)}{(' ' + unit) if unit and signal not in SHARES else ''}"
    rule = f"{OP_TEXT[op]} {_fmt(signal, threshold)}"
    if signal == "burst":
        return (f"{snap.values['volume']:.0f} posts in {w.evaluation_minutes} min against "
                f"{snap.baseline_rate * w.evaluation_minutes:.2f} expected from the baseline: {base} {rule}")
    if signal == "growth":
        return f"{snap.values['velocity']:.2f} posts/min is {base} ({snap.baseline_rate:.3f}/min baseline), {rule}"
    if signal == "global_growth":
        return (f"{snap.values['velocity']:.2f} posts/min is {base} "
                f"({policy.baseline.global_posts_per_minute}/min), {rule}")
    if signal in SHARES and signal != "coordination_growth":
        what = {"negativity": "negative", "positivity": "positive", "hoax": "flagged as hoax by the model",
                "claim_match": "matching a debunked claim"}[signal]
        return f"{base} of {snap.values['volume']:.0f} posts in {w.evaluation_minutes} min {what}, {rule}"
    if signal == "coordination_growth":
        return (f"{base} of the near-identical accounts appeared in the last minute (the push has levelled off "
                f"when this is small), {rule}")
    if signal == "coordination_weight":
        return (f"the near-identical accounts weigh {value:.2f} each on average (1 = brand-new and tiny, "
                f"0.2 = established), {OP_TEXT[op]} {threshold:.2f}")
    if signal in ("coordination", "coordinated_accounts"):
        span = snap.coordination["window_seconds"] if snap.coordination else w.coordination_minutes * 60
        return f"{base} posting near-identical text within {span} s, {rule}"
    if signal == "claim_similarity":
        return f"posts match the debunked claim with similarity {value:.2f} on average, {rule}"
    if signal in ("velocity", "volume", "authors", "reach", "shares"):
        return f"{base} in the last {w.evaluation_minutes} min, {rule}"
    return f"{base}, {rule}"


def judge(snap: Snapshot, policy: Policy) -> Verdict:
    """The highest level whose rule holds, with one reason per condition of each rule holding at that level."""
    values = snap.values
    holding: list[Rule] = [
        rule for rule in policy.rules
        if all(compare(values[signal], threshold) for signal, compare, threshold in rule.checks)
    ]
    if not holding:
        return Verdict(0, [], [])
    level = max(rule.level for rule in holding)
    reasons = []
    names = []
    for rule in holding:
        if rule.level != level:
            continue
        names.append(rule.name)
        for signal, cond in rule.when.items():
            value = snap.values[signal]
            reasons.append({
                "signal": signal,
                "value": round(value, 4),
                "threshold": cond.threshold,
                "op": OP_TEXT[cond.op],
                "rule": rule.name,
                "detail": describe(signal, value, cond.op, cond.threshold, snap, policy),
            })
    return Verdict(level, reasons, names)
