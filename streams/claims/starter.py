"""The starter claim set: the distinct claims of IDNHoaxCorpus (MIT), shipped as ``starter_claims.jsonl``.

Each line is a contract claim: ``id`` (stable: ``idnhoax-`` + 10 hex of the normalised claim text), ``claim``,
``verdict``, ``source``, plus ``topic`` and ``aliases`` (other spellings merged into it). The corpus labels tweets,
not claims, so the verdict is derived from the tweets about the claim: ``hoax`` when at least 60 % of them are
labelled hoax, ``true`` when at most 40 % are, ``unverified`` in between — stated, in Indonesian, in
``clarification``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from streams.claims.terms import stem
from streams.text.normalize import normalize

STARTER_PATH = Path(__file__).resolve().parent / "starter_claims.jsonl"
SOURCE = "IDNHoaxCorpus (Universitas Muhammadiyah Ponorogo, MIT); verdict from the majority tweet label"


def claim_key(text: str) -> str:
    """Spelling-insensitive key of a claim text (normalised, digits kept)."""
    return " ".join(normalize(text).replace("!", " ").replace("?", " ").split())


def majority_verdict(hoax_tweets: int, tweets: int) -> str:
    """A starter claim's verdict from its tweets' labels: ``hoax`` when >= 60 % of them are labelled hoax,
    ``true`` when <= 40 %, else ``unverified`` (also without tweets)."""
    if tweets <= 0:
        return "unverified"
    share = hoax_tweets / tweets
    return "hoax" if share >= 0.6 else "true" if share <= 0.4 else "unverified"


def claim_id(key: str) -> str:
    return "idnhoax-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


MERGE_CHAR_COSINE = 0.85  # character 3-4-gram TF-IDF cosine at which two claim texts are one claim
MERGE_MIN_CONTAINED_TERMS = 3  # a claim contained in another must have at least this many content words


def _content_terms(key: str) -> frozenset[str]:
    """Content words of a claim key without numbers (``Covid 19`` / ``Covid 25`` → same terms)."""
    return frozenset(stem(t) for t in key.split() if not t.isdigit() and len(t) > 1)


def near_duplicate_claims(keys: list[str]) -> dict[str, str]:
    """Each claim key → the key of its group: claims whose texts are near-identical (character 3–4-gram TF-IDF
    cosine ≥ ``MERGE_CHAR_COSINE``, or the same content words once numbers are ignored) are one claim, so a
    responder sees one issue per claim ("Donald Trump meninggal karena Covid 19" … "Covid 25" are one claim)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    parent = list(range(len(keys)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    if len(keys) > 1:
        v = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4)).fit_transform(keys)
        sim = (v @ v.T).tocoo()
        for i, j, s in zip(sim.row.tolist(), sim.col.tolist(), sim.data.tolist()):
            if i < j and s >= MERGE_CHAR_COSINE - 1e-9:
                union(i, j)
    by_terms: dict[frozenset[str], int] = {}
    terms = [_content_terms(k) for k in keys]
    for i, t in enumerate(terms):
        if t:
            union(i, by_terms.setdefault(t, i))
    # a claim whose (3+) content words all appear in another is a shorter telling of it:
    # "mandi 3 waktu sebabkan kematian" / "mandi di 3 waktu ini menyebabkan kematian mendadak"
    for i, t in enumerate(terms):
        if len(t) >= MERGE_MIN_CONTAINED_TERMS:
            for j, other in enumerate(terms):
                if i != j and t < other:
                    union(i, j)
    return {k: keys[find(i)] for i, k in enumerate(keys)}


def verdict_basis(hoax_tweets: int, tweets: int) -> str:
    """The starter claim's ``clarification``. Responders read it in counter-messaging events, so it is in
    Indonesian, and it says plainly that the verdict comes from training data, not from a fact-check."""
    return (f"Vonis dari data latih, bukan hasil cek fakta: {hoax_tweets} dari {tweets} twit tentang klaim ini di "
            "IDNHoaxCorpus berlabel hoaks.")


def build_starter_claims(tweets, merge_near_duplicates: bool = True) -> list[dict[str, Any]]:
    """Distinct claims from the tweet rows (``streams.models.data.Rows`` with ``claims`` and ``topics``).

    With ``merge_near_duplicates``, near-duplicate claim texts (see :func:`near_duplicate_claims`) are merged into
    one claim: its id and text are those of the member with the most tweets (so canonical ids are ids the set
    already had), the other texts are kept as ``aliases``: a responder sees one issue per claim, not one per
    spelling of it."""
    raw: dict[str, Counter] = defaultdict(Counter)
    for claim in tweets.claims:
        key = claim_key(claim)
        if key:
            raw[key][" ".join(claim.split())] += 1
    keys = sorted(raw)
    group = near_duplicate_claims(keys) if merge_near_duplicates else {k: k for k in keys}
    members: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        members[group[k]].append(k)
    canonical = {}
    for ks in members.values():
        best = min(ks, key=lambda k: (-sum(raw[k].values()), k))
        for k in ks:
            canonical[k] = best
    labels: dict[str, Counter] = defaultdict(Counter)
    spellings: dict[str, Counter] = defaultdict(Counter)
    topics: dict[str, Counter] = defaultdict(Counter)
    for claim, label, topic in zip(tweets.claims, tweets.labels, tweets.topics):
        key = claim_key(claim)
        if not key:
            continue
        key = canonical[key]
        labels[key][label] += 1
        spellings[key][" ".join(claim.split())] += 1
        topics[key][topic] += 1
    out = []
    for key in sorted(labels):
        n = sum(labels[key].values())
        verdict = majority_verdict(labels[key]["hoax"], n)
        names = [s for s, _ in sorted(spellings[key].items(), key=lambda kv: (claim_key(kv[0]) != key, -kv[1], kv[0]))]
        assert claim_key(names[0]) == key
        out.append(
            {
                "id": claim_id(key),
                "claim": names[0],
                "verdict": verdict,
                "clarification": verdict_basis(labels[key]["hoax"], n),
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
    """Claims from a JSON-lines file (one contract claim per line; blank lines skipped; a leading byte-order mark
    allowed). A line that is not UTF-8 JSON, or is nested too deeply to read, raises ``ValueError`` naming it."""
    with Path(path).open(encoding="utf-8-sig") as fh:
        n = 0
        try:
            for n, line in enumerate(fh, 1):
                line = line.strip()
                if line:
                    yield json.loads(line)
        except UnicodeDecodeError as exc:  # (decoded a block at a time: no line number)
            raise ValueError(f"{path}: not UTF-8: {exc}") from exc
        except RecursionError:
            raise ValueError(f"{path}:{n}: nested too deeply") from None
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc


def load_starter_claims(path: Path = STARTER_PATH) -> list[dict[str, Any]]:
    return list(load_claims_jsonl(path)) if path.exists() else []


def main() -> None:
    from streams.models.data import load_rows

    claims = build_starter_claims(load_rows("hoax_tweets"))
    print(f"{len(claims)} claims -> {write_starter_claims(claims)}")


if __name__ == "__main__":
    main()
