"""The starter claim set: the distinct claims of IDNHoaxCorpus (MIT), shipped as ``starter_claims.jsonl``.

Each line is a contract claim: ``id`` (stable: ``idnhoax-`` + 10 hex of the normalised claim text), ``claim``,
``verdict``, ``source``, plus ``topic`` and ``aliases`` (other spellings merged into it). The corpus labels tweets,
not claims, so the verdict is derived from the tweets about the claim: ``hoax`` when at least 60 % of them are
labelled hoax, ``true`` when at most 40 % are, ``unverified`` in between — stated in ``clarification``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from streams.text.normalize import normalize

STARTER_PATH = Path(__file__).resolve().parent / "starter_claims.jsonl"
SOURCE = "IDNHoaxCorpus (Universitas Muhammadiyah Ponorogo, MIT); verdict from the majority tweet label"


def claim_key(text: str) -> str:
    """Spelling-insensitive key of a claim text (normalised, digits kept)."""
    return " ".join(normalize(text).replace("!", " ").replace("?", " ").split())


def claim_id(key: str) -> str:
    return "idnhoax-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def build_starter_claims(tweets) -> list[dict[str, Any]]:
    """Distinct claims from the tweet rows (``streams.models.data.Rows`` with ``claims`` and ``topics``)."""
    labels: dict[str, Counter] = defaultdict(Counter)
    spellings: dict[str, Counter] = defaultdict(Counter)
    topics: dict[str, Counter] = defaultdict(Counter)
    for claim, label, topic in zip(tweets.claims, tweets.labels, tweets.topics):
        key = claim_key(claim)
        if not key:
            continue
        labels[key][label] += 1
        spellings[key][" ".join(claim.split())] += 1
        topics[key][topic] += 1
    out = []
    for key in sorted(labels):
        n = sum(labels[key].values())
        share = labels[key]["hoax"] / n
        verdict = "hoax" if share >= 0.6 else "true" if share <= 0.4 else "unverified"
        names = [s for s, _ in sorted(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))]
        out.append(
            {
                "id": claim_id(key),
                "claim": names[0],
                "verdict": verdict,
                "clarification": f"{labels[key]['hoax']} of {n} tweets about this claim in IDNHoaxCorpus are labelled hoax",
                "source": SOURCE,
                "topic": topics[key].most_common(1)[0][0],
                "aliases": names[1:],
            }
        )
    return out


def write_starter_claims(claims: list[dict[str, Any]], path: Path = STARTER_PATH) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for c in claims:
            fh.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def load_claims_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Claims from a JSON-lines file (one contract claim per line; blank lines skipped)."""
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
            yield obj


def load_starter_claims(path: Path = STARTER_PATH) -> list[dict[str, Any]]:
    return list(load_claims_jsonl(path)) if path.exists() else []


def main() -> None:
    from streams.models.data import load_rows

    claims = build_starter_claims(load_rows("hoax_tweets"))
    print(f"{len(claims)} claims -> {write_starter_claims(claims)}")


if __name__ == "__main__":
    main()
