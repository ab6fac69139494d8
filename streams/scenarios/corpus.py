"""The shipped Indonesian texts scenarios are built from (``data/``, read once, cleaned to read like posts)."""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from streams.issues.keys import ENTITY_GAZETTEER
from streams.settings import REPO_ROOT

DATA_DIR = REPO_ROOT / "data"

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:%)])")
_SPACE_AFTER_OPEN = re.compile(r"([(])\s+")
_SPLIT_NYA = re.compile(r"(\w) (nya|lah|kah)\b")
_MULTI_SPACE = re.compile(r"\s{2,}")


def detokenize(text: str) -> str:
    """Undo IndoNLU-style tokenisation (``tempat nya nyaman , enak .`` -> ``tempatnya nyaman, enak.``)."""
    text = text.replace("__laugh__", "haha")
    text = _SPLIT_NYA.sub(r"\1\2", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = text.replace(" - ", "-")
    return _MULTI_SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class LabelledText:
    text: str
    label: str


@dataclass(frozen=True)
class ClaimTweets:
    topic: str
    claim: str
    hoax: tuple[str, ...]
    valid: tuple[str, ...]


def _read(name: str) -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def sentiment_texts() -> tuple[LabelledText, ...]:
    """SmSA (train + valid) and NusaX-senti Indonesian sentences, detokenised, with their sentiment label."""
    out = []
    for name in ("sentiment-smsa/train.csv", "sentiment-smsa/valid.csv",
                 "sentiment-nusax-ind/train.csv", "sentiment-nusax-ind/valid.csv"):
        for row in _read(name):
            text = detokenize(row["text"])
            if 15 <= len(text) <= 400:
                out.append(LabelledText(text, row["label"]))
    return tuple(out)


@lru_cache(maxsize=4)
def by_label(label: str, max_len: int = 400) -> tuple[str, ...]:
    return tuple(t.text for t in sentiment_texts() if t.label == label and len(t.text) <= max_len)


COMPLAINT_WORDS = frozenset(
    "pelayanan layanan lambat lama kecewa mengecewakan buruk parah payah lelet antre antri rugi susah sulit "
    "tidak jelas ribet mahal rusak mati gagal error tolong kapan".split()
)
FOOD_WORDS = frozenset(
    "makanan makan minum minuman rasa rasanya menu restoran resto nasi ayam sambal kopi teh kue porsi enak "
    "masakan daging ikan mie bakso sate pedas manis asin goreng cafe kafe".split()
)


@lru_cache(maxsize=1)
def generic_complaints() -> tuple[str, ...]:
    """Negative sentences about service in general (not food reviews): tails for complaint posts."""
    out = []
    for text in by_label("negative", 160):
        words = set(re.findall(r"[a-z]+", text.lower()))
        if words & COMPLAINT_WORDS and not words & FOOD_WORDS and not words & ENTITY_GAZETTEER:
            out.append(text)
    return tuple(out)


@lru_cache(maxsize=1)
def generic_praise() -> tuple[str, ...]:
    """Short positive sentences that are not restaurant reviews: tails for a positive wave."""
    out = []
    for text in by_label("positive", 160):
        words = set(re.findall(r"[a-z]+", text.lower()))
        if not words & FOOD_WORDS and not words & ENTITY_GAZETTEER:
            out.append(text)
    return tuple(out)


@lru_cache(maxsize=1)
def claim_tweets() -> tuple[ClaimTweets, ...]:
    """IDNHoaxCorpus tweets grouped by (topic, claim): the known claims scenarios resurface."""
    groups: dict[tuple[str, str], dict[str, list[str]]] = {}
    for row in _read("hoax-tweets-idnhoaxcorpus/train.csv"):
        key = (row["topic"].strip(), row["claim"].strip())
        groups.setdefault(key, {"hoax": [], "valid": []})[row["label"].strip()].append(row["text"].strip())
    out = []
    for (topic, claim), texts in sorted(groups.items()):
        out.append(ClaimTweets(topic, claim, tuple(texts.get("hoax", ())), tuple(texts.get("valid", ()))))
    return tuple(out)


def resurfacing_candidates(min_hoax_tweets: int = 6) -> list[ClaimTweets]:
    """Claims with enough hoax tweets to build a varied burst from."""
    return [c for c in claim_tweets() if len(c.hoax) >= min_hoax_tweets and len(c.claim) >= 12]
