"""The trained models as one object: shared features, sentiment model, hoax models, claim-matching parameters.

``ModelBundle.load(dir)`` verifies and reads the artifacts (see :mod:`streams.models.artifacts`);
``ModelBundle.save(dir)`` writes them. Scoring lives in :mod:`streams.scoring`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from streams.models.artifacts import load_bundle, save_bundle
from streams.models.cues import FEATURE_NAMES as CUE_NAMES
from streams.models.features import FeatureSpace
from streams.models.linear import LinearModel
from streams.text.negation import DEFAULT_SCOPE, negation_terms_batch


@dataclass
class HoaxParams:
    """How the hoax probability is put together (all recorded in the artifacts).

    ``p_text = (g * p_long + (1 - g) * p_short) * min(1, r / relevance_floor)`` where the length gate
    ``g = sigmoid(gate_slope * (ln len - ln gate_chars))`` picks the model trained on news for article-length
    texts and the one trained on tweets for posts, and ``r`` is the relevance model's probability that the text
    discusses a claim or rumour at all (ordinary reviews and chat score near 0, so they are not flagged).
    With ``min_content_words`` > 0 the product is also scaled by ``min(1, w / min_content_words)``, ``w`` the
    text's distinct content words (``content_word_counts``): an empty post, laughter, a bare link or mention, or
    text in another script gives the models nothing to judge, and their intercept leans to hoax.
    Probabilities are calibrated under equal class priors, so 0.5 is the decision threshold.
    Then, if the post matches a known claim with similarity ``s``: ``logit(p) += claim_weight * s`` for false
    verdicts (hoax, misleading…) and ``-= claim_weight * s`` for true ones; a false-verdict match also lifts
    the relevance and evidence factors to 1."""

    gate_chars: float = 450.0
    gate_slope: float = 6.0
    # measured out-of-fold on the tweets (docs/models.md, "Claim match x hoax"): the 3 of earlier releases made
    # posts about a known claim worse; 1 lifts them and cuts the cost of a wrong match by about two thirds
    claim_weight: float = 1.0
    threshold: float = 0.5
    relevance_floor: float = 0.1
    min_content_words: float = 0.0  # 0: no evidence factor (artifacts trained before it load as they were)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def length_gate(hp: HoaxParams, lengths: np.ndarray) -> np.ndarray:
    """The article model's share of each text's hoax probability (0 for tweets, 1 for articles)."""
    return _sigmoid(hp.gate_slope * (np.log(np.maximum(lengths, 1.0)) - np.log(hp.gate_chars)))


TEXT_FACTORS = ("relevance", "evidence", "language")


def hoax_text_parts(
    hp: HoaxParams, z_short: np.ndarray, z_long: np.ndarray, z_rel: np.ndarray, lengths: np.ndarray,
    content_words: np.ndarray | None = None, readable: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The text models' probability (the length-gated mix of the calibrated short and long models) and the
    factors that scale it, by ``TEXT_FACTORS`` name: ``relevance`` (does the text discuss a claim at all),
    ``evidence`` (``content_words``, the texts' ``content_word_counts``, against ``hp.min_content_words``) and
    ``language`` (``readable``: 0 for a post in a language the models cannot read, see
    ``streams.text.language``). A factor the parameters or the caller leave out is 1."""
    g = length_gate(hp, lengths)
    p = g * _sigmoid(z_long) + (1.0 - g) * _sigmoid(z_short)
    ones = np.ones_like(p)
    relevance = np.minimum(1.0, _sigmoid(z_rel) / hp.relevance_floor) if hp.relevance_floor > 0 else ones
    evidence = (np.minimum(1.0, content_words / hp.min_content_words)
                if hp.min_content_words > 0 and content_words is not None else ones)
    language = readable if readable is not None else ones
    return p, {"relevance": relevance, "evidence": evidence, "language": language}


def hoax_text_probability(
    hp: HoaxParams, z_short: np.ndarray, z_long: np.ndarray, z_rel: np.ndarray, lengths: np.ndarray,
    content_words: np.ndarray | None = None, readable: np.ndarray | None = None,
) -> np.ndarray:
    """The text part of the hoax probability from calibrated logits (short, long) and the relevance decision;
    ``lengths`` are the normalised texts' lengths, ``content_words`` their ``content_word_counts`` (needed when
    ``hp.min_content_words`` > 0), ``readable`` 0 for a post in a language the models cannot read
    (``streams.text.language``) and 1 otherwise. Shared by training (evaluation) and the Scorer."""
    p, factors = hoax_text_parts(hp, z_short, z_long, z_rel, lengths, content_words, readable)
    return p * factors["relevance"] * factors["evidence"] * factors["language"]


def without_text_factors(hp: HoaxParams) -> HoaxParams:
    """The parameters of the text probability before the relevance and evidence factors: a post that matches a
    known false claim discusses a claim by definition. (The language factor is left out by not passing
    ``readable``.)"""
    return replace(hp, relevance_floor=0.0, min_content_words=0.0)


def with_claim_match(
    hp: HoaxParams, p_text: np.ndarray, p_plain: np.ndarray, sign: np.ndarray, similarity: np.ndarray
) -> np.ndarray:
    """The hoax probability once a claim match is taken into account. ``sign``: +1 where the matched claim's
    verdict says it is false, -1 where it says true, 0 without a match (or an undecided verdict); ``p_plain`` is
    the text probability without the relevance and evidence factors (``without_text_factors``), the base for a
    false-verdict match.
    Shared by training (evaluation) and the Scorer."""
    base = np.clip(np.where(sign > 0, p_plain, p_text), 1e-6, 1 - 1e-6)
    shifted = _sigmoid(np.log(base / (1.0 - base)) + sign * hp.claim_weight * similarity)
    return np.where(sign != 0, shifted, p_text)


def negation_rows(negation: FeatureSpace | None, scope: int, normalized: Sequence[str]) -> sp.csr_matrix | None:
    """The sentiment model's negation block for normalised texts: the words negators govern
    (``streams.text.negation``) in their own feature space; None without one. Shared by training and scoring."""
    if negation is None:
        return None
    return negation.transform(negation_terms_batch(normalized, scope))


def sentiment_rows(
    features: FeatureSpace, negation: FeatureSpace | None, scope: int, normalized: Sequence[str]
) -> sp.csr_matrix:
    """The sentiment model's feature rows: the shared features, then the negation block (if any)."""
    x = features.transform(normalized)
    negated = negation_rows(negation, scope, normalized)
    return x if negated is None else sp.hstack([x, negated], format="csr")


@dataclass
class ModelBundle:
    features: FeatureSpace
    sentiment: LinearModel
    hoax_short: LinearModel
    hoax_long: LinearModel
    relevance: LinearModel
    hoax: HoaxParams
    stopwords: list[str]
    claim_params: dict[str, Any]
    # the sentiment model's own block after the shared features: the words negators govern (streams.text.negation);
    # None in artifacts trained without it
    negation: FeatureSpace | None = None
    negation_scope: int = DEFAULT_SCOPE
    versions: dict[str, str] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------------------------------------ features
    def negation_rows(self, normalized: Sequence[str]) -> sp.csr_matrix | None:
        """The negation block of the sentiment model's rows for normalised texts (None without one)."""
        return negation_rows(self.negation, self.negation_scope, normalized)

    def sentiment_rows(self, normalized: Sequence[str]) -> sp.csr_matrix:
        """The sentiment model's feature rows: the shared features, then the negation block."""
        return sentiment_rows(self.features, self.negation, self.negation_scope, normalized)

    # ------------------------------------------------------------------------------------------------ persistence
    def to_arrays(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays: dict[str, np.ndarray] = {}
        meta: dict[str, Any] = {}
        for prefix, part in (
            ("features.", self.features),
            ("sentiment.", self.sentiment),
            ("hoax_short.", self.hoax_short),
            ("hoax_long.", self.hoax_long),
            ("relevance.", self.relevance),
        ):
            a, m = part.to_arrays(prefix)
            arrays.update(a)
            meta[prefix.rstrip(".")] = m
        if self.negation is not None:
            a, m = self.negation.to_arrays("negation.")
            arrays.update(a)
            meta["negation"] = {**m, "scope": self.negation_scope}
        meta["hoax"] = self.hoax.__dict__.copy()
        meta["cue_names"] = list(CUE_NAMES)
        meta["stopwords"] = list(self.stopwords)
        meta["claims"] = dict(self.claim_params)
        return arrays, meta

    def save(self, models_dir: Path, manifest_extra: dict[str, Any], evaluation: dict[str, Any] | None = None) -> dict:
        arrays, meta = self.to_arrays()
        versions = compute_versions(arrays, meta)
        self.versions = versions
        manifest = save_bundle(models_dir, arrays, meta, {**manifest_extra, "versions": versions}, evaluation)
        self.manifest = manifest
        return manifest

    @classmethod
    def load(cls, models_dir: Path) -> ModelBundle:
        manifest, arrays, meta = load_bundle(models_dir)
        try:
            if meta.get("cue_names") != list(CUE_NAMES):
                raise ValueError("the hoax cue features of these artifacts differ from this code's; re-run `sigap train`")
            features = FeatureSpace.from_arrays(arrays, meta["features"], "features.")
            n_feat = features.n_features
            sentiment = LinearModel.from_arrays(arrays, meta["sentiment"], "sentiment.")
            hoax_short = LinearModel.from_arrays(arrays, meta["hoax_short"], "hoax_short.")
            hoax_long = LinearModel.from_arrays(arrays, meta["hoax_long"], "hoax_long.")
            relevance = LinearModel.from_arrays(arrays, meta["relevance"], "relevance.")
            negation = None
            if meta.get("negation") is not None:
                negation = FeatureSpace.from_arrays(arrays, meta["negation"], "negation.")
            if relevance.coef.shape != (n_feat, 1):
                raise ValueError("relevance coefficients do not match the feature space")
            if sentiment.coef.shape[0] != n_feat + (negation.n_features if negation is not None else 0):
                raise ValueError("sentiment coefficients do not match the feature space")
            for m in (hoax_short, hoax_long):
                if m.coef.shape[0] != n_feat + len(CUE_NAMES):
                    raise ValueError("hoax coefficients do not match the feature space")
            hoax = HoaxParams(**{k: float(v) for k, v in meta["hoax"].items()})
        except (KeyError, TypeError) as exc:
            raise ValueError(f"incomplete model artifacts: {exc!r}; re-run `sigap train`") from exc
        return cls(
            features=features,
            sentiment=sentiment,
            hoax_short=hoax_short,
            hoax_long=hoax_long,
            relevance=relevance,
            hoax=hoax,
            stopwords=list(meta["stopwords"]),
            claim_params=dict(meta["claims"]),
            negation=negation,
            negation_scope=int(meta["negation"]["scope"]) if negation is not None else DEFAULT_SCOPE,
            versions=dict(manifest.get("versions", {})),
            manifest=manifest,
        )


def compute_versions(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> dict[str, str]:
    """``<model>-<10 hex of the model's content>``: same data + same code → same version string, on any machine
    and checkout, so a re-run of ``sigap train`` is recognisably the same model."""
    import json

    def digest(prefixes: tuple[str, ...], meta_keys: tuple[str, ...]) -> str:
        h = hashlib.sha256()
        for k in sorted(arrays):
            if k.startswith(prefixes):
                h.update(k.encode())
                h.update(np.ascontiguousarray(arrays[k]).tobytes())
        h.update(json.dumps({k: meta.get(k) for k in meta_keys}, sort_keys=True).encode())
        return h.hexdigest()[:10]

    hoax_meta = ("features", "hoax_short", "hoax_long", "relevance", "hoax", "cue_names")
    return {
        "sentiment": f"sentiment-{digest(('features.', 'sentiment.', 'negation.'), ('features', 'sentiment', 'negation'))}",
        "hoax": f"hoax-{digest(('features.', 'hoax_', 'relevance.'), hoax_meta)}",
        "claims": f"claims-{digest(('features.',), ('features', 'claims', 'stopwords'))}",
    }
