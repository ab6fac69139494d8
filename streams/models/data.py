"""Loading the training data shipped in the repo's ``data/`` folder, hashing it, and near-duplicate removal."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from streams.settings import REPO_ROOT

SENTIMENT_LABELS = ("negative", "neutral", "positive")
HOAX_LABELS = ("valid", "hoax")

FILES = {
    "smsa_train": "sentiment-smsa/train.csv",
    "smsa_valid": "sentiment-smsa/valid.csv",
    "nusax_train": "sentiment-nusax-ind/train.csv",
    "nusax_valid": "sentiment-nusax-ind/valid.csv",
    "hoax_news": "hoax-news-pratiwi2017/train.csv",
    "hoax_tweets": "hoax-tweets-idnhoaxcorpus/train.csv",
    "stopwords": "stopwords-id/stopwords-id.txt",
}


def default_data_dir() -> Path:
    return REPO_ROOT / "data"


@dataclass
class Rows:
    texts: list[str]
    labels: list[str]
    topics: list[str] | None = None
    claims: list[str] | None = None

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, idx: Sequence[int] | np.ndarray) -> Rows:
        idx = [int(i) for i in idx]
        return Rows(
            [self.texts[i] for i in idx],
            [self.labels[i] for i in idx],
            [self.topics[i] for i in idx] if self.topics is not None else None,
            [self.claims[i] for i in idx] if self.claims is not None else None,
        )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_rows(name: str, data_dir: Path | None = None) -> Rows:
    data_dir = data_dir or default_data_dir()
    rows = read_csv(data_dir / FILES[name])
    texts = [r["text"] for r in rows]
    labels = [r["label"].strip().lower() for r in rows]
    if name == "hoax_tweets":
        return Rows(texts, labels, [topic_key(r["topic"]) for r in rows], [r["claim"].strip() for r in rows])
    return Rows(texts, labels)


def topic_key(topic: str) -> str:
    """Topics differ only in case/spacing in places ("Masker"/"masker", "dana haji"/"Dana haji"); group them."""
    return " ".join(topic.lower().split())


def load_stopwords(data_dir: Path | None = None) -> list[str]:
    from streams.text.stopwords import load_stopwords as _load

    return _load((data_dir or default_data_dir()) / FILES["stopwords"])


def data_hash(data_dir: Path | None = None) -> str:
    """SHA-256 over every training file (name + bytes), recorded in the artifact manifest."""
    data_dir = data_dir or default_data_dir()
    h = hashlib.sha256()
    for key in sorted(FILES):
        path = data_dir / FILES[key]
        h.update(FILES[key].encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def near_duplicate_mask(
    queries: Sequence[str], corpus: Sequence[str], threshold: float = 0.5, ns: Sequence[int] = (3, 4, 5)
) -> np.ndarray:
    """For each (normalised) query, True when some corpus text is a near-duplicate: cosine similarity of
    character n-gram count vectors (within words) ≥ ``threshold``. NusaX sentences are lightly edited SmSA
    sentences, so this is what keeps SmSA-trained models from being validated on their own training text."""
    from streams.models.features import FeatureSpace

    space = FeatureSpace.fit(list(corpus) + list(queries), min_df_words=1, min_df_chars=2, char_ns=tuple(ns),
                             bigrams=False, word_weight=0.0, char_weight=1.0, max_df=1.0)
    q = space.transform(list(queries))
    c = space.transform(list(corpus))
    mask = np.zeros(len(queries), dtype=bool)
    step = 256
    for start in range(0, q.shape[0], step):
        sims = (q[start : start + step] @ c.T).tocsr()
        best = np.asarray(sims.max(axis=1).todense()).ravel() if sims.nnz else np.zeros(sims.shape[0])
        mask[start : start + step] = best >= threshold
    return mask
