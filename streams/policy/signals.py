"""The catalogue of per-issue signals an escalation policy can test.

Every signal is computed by :mod:`streams.issues.signals` over event-time windows that follow the posts'
``created_at``; the names here are the ones a policy file uses and the ``signal`` of each escalation reason.
"""

from __future__ import annotations

SIGNALS: dict[str, str] = {
    "volume": "posts in the evaluation window",
    "velocity": "posts per minute over the evaluation window",
    "burst": "burst score: how far the window's post count sits above what the issue's own baseline (shrunk "
             "towards the global baseline) predicts, in standard deviations (over-dispersed Poisson)",
    "growth": "posts per minute now divided by the issue's own (robust, prior-shrunk) baseline rate",
    "global_growth": "posts per minute now divided by the global baseline rate of an ordinary issue",
    "authors": "distinct authors in the evaluation window",
    "reach": "sum over the window's posts of max(author followers, views)",
    "shares": "sum of shares over the window's posts",
    "negativity": "share of the window's posts whose sentiment is negative",
    "positivity": "share of the window's posts whose sentiment is positive",
    "hoax": "share of the window's posts the hoax model calls hoax",
    "claim_match": "share of the window's posts that match a known debunked claim",
    "claim_similarity": "mean similarity (claim matcher's score, 0-1) of those matches: borderline matches of a "
                        "claim sharing one word with a post sit just above the matcher's threshold",
    "coordination": "weighted count of distinct accounts posting near-identical text within coordination_minutes "
                    "of each other (the densest stretch of the largest such cluster in the evaluation window); an "
                    "account weighs more the fresher and smaller it is (1.0 for a new, tiny account)",
    "coordinated_accounts": "distinct accounts in that cluster's densest stretch",
    "coordination_weight": "mean weight of the accounts in that cluster (coordination / coordinated_accounts): "
                           "near 1 when they are all new and tiny, 0.2 or less for established accounts",
    "coordination_growth": "share of that cluster's accounts that first posted in the evaluated minute: high while "
                           "a push is still gathering accounts, 0 once it has levelled off",
    "total_posts": "posts since the issue was first seen",
}

LEVEL_NAMES: dict[int, str] = {2: "waspada", 3: "siaga", 4: "awas"}
LEVEL_NUMBERS: dict[str, int] = {name: number for number, name in LEVEL_NAMES.items()}

# The values a signal can take, for checking a policy's thresholds: a share's threshold written as a percentage
# (``negativity: {gte: 45}``) was accepted and silently switched its rule off. ``burst`` (standard deviations) may
# be negative; every other signal is a count, a rate, a ratio or a share.
SHARES = frozenset({"negativity", "positivity", "hoax", "claim_match", "claim_similarity", "coordination_weight",
                    "coordination_growth"})
UNBOUNDED = frozenset({"burst"})


def threshold_problem(signal: str, threshold: float) -> str | None:
    """Why ``threshold`` can never be a useful bound for ``signal`` (outside every value it takes), or None."""
    if signal in UNBOUNDED:
        return None
    if signal in SHARES and not 0.0 <= threshold <= 1.0:
        hint = f" (did you mean {threshold / 100:g}?)" if 1.0 < threshold <= 100.0 else ""
        return f"{signal} is a share between 0 and 1, not {threshold:g}{hint}"
    if threshold < 0:
        return f"{signal} is never negative, so {threshold:g} bounds nothing"
    return None
