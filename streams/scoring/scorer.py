"""The Scorer facade: one call scores a batch of post texts for hoax, sentiment and claim match.

The Faust agent, ``sigap score`` and the benchmark all go through :meth:`Scorer.score_texts`; per batch it runs
normalisation once, the shared feature transform once, then two small matrix products and one claim-index
product, so the per-post cost is amortised over the batch.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from streams.claims.index import ClaimIndex
from streams.claims.ranking import RERANK_K, RERANK_RATIO
from streams.claims.records import verdict_sign
from streams.models.artifacts import ModelsMissingError, UntrustedArtifactError
from streams.models.bundle import (
    ModelBundle,
    TEXT_FACTORS,
    hoax_text_parts,
    length_gate,
    with_claim_match,
)
from streams.models.content import ContentWordCounter
from streams.models.cues import cue_matrix
from streams.models.negated import NegatedWords
from streams.models.word_sets import WordSet
from streams.scoring.explain import Explainer
from streams.text.language import LanguageCheck, OtherLanguage, readable_mask
from streams.text.normalize import get_normalizer

SENTIMENT_LABELS = ("negative", "neutral", "positive")

__all__ = ["Scorer", "TextScores", "BatchScores", "ModelsMissingError", "UntrustedArtifactError", "make_claim_index"]


@dataclass
class TextScores:
    hoax_probability: float
    hoax_label: str  # "hoax" | "valid"
    sentiment_label: str  # "negative" | "neutral" | "positive"
    sentiment_probabilities: dict[str, float]
    claim_match: dict[str, Any] | None  # {"claim_id", "claim", "verdict", "similarity", "terms"} or None
    normalized: str
    tokens: list[str]
    hoax_cues: list[str] = field(default_factory=list)  # cues found in the post that pull towards its hoax label
    hoax_text_probability: float = 0.0  # the text classifier's probability, before the claim match
    hoax_terms: list[str] = field(default_factory=list)  # words pulling most towards the hoax label
    sentiment_terms: list[str] = field(default_factory=list)  # words pulling most towards the sentiment label
    other_language: OtherLanguage | None = None  # set when the post is in a language the models cannot read
    hoax_factors: dict[str, float] = field(default_factory=dict)  # what scaled the text models' probability


@dataclass
class BatchScores:
    items: list[TextScores]
    seconds_by_model: dict[str, float]


def make_claim_index(bundle: ModelBundle) -> ClaimIndex:
    """An empty claim index configured from the trained artifacts (IDF weights, stop words, threshold, the
    re-ranking and acceptance models). Artifacts trained before re-ranking have no ``rerank_coef`` and a
    9-feature acceptance model: they match exactly as before (no FeatureSpace rows are computed)."""
    space = bundle.features
    idf = {w: float(space.idf[i]) for w, i in space.words.items() if " " not in w}
    params = bundle.claim_params
    return ClaimIndex(  # it refuses acceptance / re-ranking models that do not match this code's features
        idf=idf,
        default_idf=float(params.get("default_idf", max(idf.values()) if idf else 8.0)),
        stopwords=bundle.stopwords,
        threshold=float(params.get("threshold", 0.5)),
        alpha=float(params.get("alpha", 0.6)),
        claim_idf=bool(params.get("claim_idf", True)),
        accept_coef=params.get("accept_coef"),
        accept_intercept=float(params.get("accept_intercept", 0.0)),
        accept_threshold=float(params.get("accept_threshold", 0.5)),
        rank_shared_power=float(params.get("rank_shared_power", 0.0)),
        features=space,
        rerank_coef=params.get("rerank_coef"),
        rerank_intercept=float(params.get("rerank_intercept", 0.0)),
        rerank_k=int(params.get("rerank_k", RERANK_K)),
        rerank_ratio=float(params.get("rerank_ratio", RERANK_RATIO)),
    )


class Scorer:
    def __init__(self, bundle: ModelBundle, claims: Iterable[dict] | None = None) -> None:
        self.bundle = bundle
        self.normalizer = get_normalizer()
        self.claims: ClaimIndex = make_claim_index(bundle)
        if claims is None:
            from streams.claims.starter import load_starter_claims

            claims = load_starter_claims()
        self.claims.upsert_many(claims, skip_invalid=True)
        self.versions: dict[str, str] = {k: v for k, v in bundle.versions.items() if k in ("hoax", "sentiment", "claims")}
        n_feat = bundle.features.n_features
        # every linear model's text weights side by side: one sparse x dense product per batch gives
        # [sentiment (3) | hoax short | hoax long | relevance]
        self._coef = np.ascontiguousarray(
            np.hstack(
                [bundle.sentiment.coef[:n_feat], bundle.hoax_short.coef[:n_feat], bundle.hoax_long.coef[:n_feat],
                 bundle.relevance.coef]
            ),
            dtype=np.float32,
        )
        self._intercept = np.concatenate(
            [bundle.sentiment.intercept, bundle.hoax_short.intercept, bundle.hoax_long.intercept, bundle.relevance.intercept]
        )
        self._negation_coef = np.ascontiguousarray(bundle.sentiment.coef[n_feat:], dtype=np.float32)  # its own block
        self._cue_coef = np.hstack([bundle.hoax_short.coef[n_feat:], bundle.hoax_long.coef[n_feat:]]).astype(np.float64)
        self._explainer = Explainer.from_bundle(bundle)
        self._content_words = ContentWordCounter(bundle.features.word_table, bundle.stopwords)
        self._language = LanguageCheck(bundle.stopwords)
        self._stopwords = WordSet(bundle.features.word_table, bundle.stopwords)
        self._negated = None if bundle.negation is None else NegatedWords(bundle.features.word_table,
                                                                           bundle.negation_scope)

    @classmethod
    def load(cls, models_dir: Path | None = None, claims: Iterable[dict] | None = None) -> Scorer:
        """Load verified artifacts (``ModelsMissingError`` if there are none: run ``sigap train``). ``claims``:
        the initial known claims; ``None`` loads the shipped starter set, ``[]`` starts empty."""
        if models_dir is None:
            from streams.settings import get_settings

            models_dir = get_settings().models_dir
        return cls(ModelBundle.load(Path(models_dir)), claims)

    # --------------------------------------------------------------------------------------------------------
    def score_texts(self, texts: Sequence[str]) -> BatchScores:
        texts = ["" if t is None else str(t) for t in texts]
        n = len(texts)
        secs: dict[str, float] = {}
        if n == 0:
            return BatchScores([], {"normalize": 0.0, "features": 0.0, "sentiment": 0.0, "language": 0.0, "hoax": 0.0,
                                    "claims": 0.0, "explain": 0.0, "assemble": 0.0})
        b = self.bundle
        t0 = time.perf_counter()
        normalized = self.normalizer.normalize_batch(texts)
        t1 = time.perf_counter()
        x, tokens = b.features.transform_tokens(normalized)
        t2 = time.perf_counter()
        z = np.asarray(x @ self._coef, dtype=np.float64) + self._intercept
        if self._negated is not None:  # (b.negation_rows(normalized), from the tokens already read)
            z[:, :3] += b.negation.transform(self._negated.terms(normalized, tokens)) @ self._negation_coef
        sent = b.sentiment.proba_from_decision(z[:, :3])
        t3 = time.perf_counter()
        languages = self._language.detect(texts, normalized, self._stopwords.texts_with_any(tokens, n))
        readable = readable_mask(languages)
        t_language = time.perf_counter()
        words = [text.split() for text in normalized]  # read by the cues and handed out as each post's tokens
        cues = cue_matrix(texts, normalized, words)
        zc = cues @ self._cue_coef
        z_short = b.hoax_short.platt_a * (z[:, 3] + zc[:, 0]) + b.hoax_short.platt_b
        z_long = b.hoax_long.platt_a * (z[:, 4] + zc[:, 1]) + b.hoax_long.platt_b
        lengths = np.fromiter((len(t) for t in normalized), dtype=np.float64, count=n)
        hp = b.hoax
        content = self._content_words.counts(normalized, tokens) if hp.min_content_words > 0 else None
        # p_plain: the text models' probability before the factors, the base for a false-claim match
        p_plain, factors = hoax_text_parts(hp, z_short, z_long, z[:, 5], lengths, content, readable)
        p_text = p_plain * factors["relevance"] * factors["evidence"] * factors["language"]
        t4 = time.perf_counter()
        matches = self.claims.match_normalized(normalized, x=x, tokens=tokens)  # reuses the batch's rows and tokens
        t5 = time.perf_counter()
        sign = np.array([verdict_sign(m.verdict) if m is not None else 0 for m in matches], dtype=np.float64)
        similarity = np.array([m.similarity if m is not None else 0.0 for m in matches], dtype=np.float64)
        p_final = with_claim_match(hp, p_text, p_plain, sign, similarity)
        p_round = np.round(p_final, 4).tolist()
        p_text_round = np.round(p_text, 4).tolist()
        hoax_mask = p_final >= hp.threshold
        is_hoax = hoax_mask.tolist()
        predicted = sent.argmax(axis=1)
        sent_labels = [SENTIMENT_LABELS[j] for j in predicted.tolist()]
        t_explain = time.perf_counter()
        # explanations: the cues and words that pulled each post towards its labels
        gate = length_gate(hp, lengths)
        cue_names = self._explainer.hoax_cues(cues, gate, hoax_mask)
        entries = self._explainer.entries(x)
        hoax_terms = self._explainer.hoax_terms(entries, gate, hoax_mask)
        sent_terms = self._explainer.sentiment_terms(entries, predicted)
        t6 = time.perf_counter()
        sent_probs = _prob_dicts(sent)
        factor_rows = np.round(np.column_stack([factors[name] for name in TEXT_FACTORS]), 3).tolist()
        items = [
            TextScores(
                hoax_probability=p_round[i],
                hoax_label="hoax" if is_hoax[i] else "valid",
                sentiment_label=sent_labels[i],
                sentiment_probabilities=sent_probs[i],
                claim_match=matches[i].as_dict() if matches[i] is not None else None,
                normalized=normalized[i],
                tokens=words[i],
                # a post in another language was not judged for hoax: its words explain nothing
                hoax_cues=cue_names[i] if languages[i] is None else [],
                hoax_text_probability=p_text_round[i],
                hoax_terms=hoax_terms[i] if languages[i] is None else [],
                sentiment_terms=sent_terms[i],
                other_language=languages[i],
                hoax_factors=dict(zip(TEXT_FACTORS, factor_rows[i])),
            )
            for i in range(n)
        ]
        t7 = time.perf_counter()
        secs = {
            "normalize": t1 - t0,
            "features": t2 - t1,  # shared by every model
            "sentiment": t3 - t2,  # includes the one product that also yields the hoax/relevance text scores
            "language": t_language - t3,  # which posts are in a language the models cannot read
            "hoax": (t4 - t_language),
            "claims": t5 - t4,
            "explain": t6 - t_explain,  # the cues and words behind each label
            "assemble": (t_explain - t5) + (t7 - t6),
        }
        return BatchScores(items, secs)

    def score_text(self, text: str) -> TextScores:
        return self.score_texts([text]).items[0]


def _prob_dicts(probs: np.ndarray) -> list[dict[str, float]]:
    """Rounded probabilities per row that still sum to exactly 1 (the largest absorbs the rounding)."""
    r = np.round(probs, 4)
    k = r.argmax(axis=1)
    rows = np.arange(r.shape[0])
    r[rows, k] = 0.0
    r[rows, k] = np.round(1.0 - r.sum(axis=1), 4)
    return [dict(zip(SENTIMENT_LABELS, row)) for row in r.tolist()]
