"""Regenerate ``streams/issues/term_df.json``: document frequencies of words in the Indonesian corpora shipped in
``data/`` (IndoNLU SmSA, NusaX, the hoax news and hoax tweet sets) and the stop-word list.

    python -m streams.issues.build_terms

The file is committed so that issue keys never depend on anything read at run time besides the package itself;
``tests/issues/test_keys.py`` checks it is up to date.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter

import orjson

from streams.issues.text import TERM_DF_PATH, WORD_RE, _fold, clean_for_words
from streams.settings import REPO_ROOT

CORPORA = (
    "sentiment-smsa/train.csv",
    "sentiment-smsa/valid.csv",
    "sentiment-nusax-ind/train.csv",
    "sentiment-nusax-ind/valid.csv",
    "hoax-news-pratiwi2017/train.csv",
    "hoax-tweets-idnhoaxcorpus/train.csv",
)
MIN_DF = 2


def compute() -> dict:
    data_dir = REPO_ROOT / "data"
    df: Counter[str] = Counter()
    documents = 0
    csv.field_size_limit(sys.maxsize)
    for name in CORPORA:
        with (data_dir / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                documents += 1
                df.update({_fold(t) for t in WORD_RE.findall(clean_for_words(row["text"]).lower())})
    stop = sorted({
        line.strip().lower()
        for line in (data_dir / "stopwords-id" / "stopwords-id.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    })
    return {
        "source": "data/: " + ", ".join(CORPORA) + "; stop words: data/stopwords-id (MIT, stopwords-iso)",
        "documents": documents,
        "stopwords": stop,
        "df": {term: count for term, count in sorted(df.items()) if count >= MIN_DF},
    }


def main() -> int:
    TERM_DF_PATH.parent.mkdir(parents=True, exist_ok=True)
    TERM_DF_PATH.write_bytes(orjson.dumps(compute(), option=orjson.OPT_SORT_KEYS))
    print(f"wrote {TERM_DF_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
