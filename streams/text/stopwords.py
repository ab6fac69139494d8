"""Indonesian stop words (stopwords-iso, MIT, shipped in ``data/stopwords-id``), minus the words that carry meaning
for Sigap: negations and intensifiers stay content words for sentiment and for claim matching ("tidak benar"
is not "benar")."""

from __future__ import annotations

from pathlib import Path

KEEP = frozenset(
    {
        "tidak", "tak", "bukan", "belum", "jangan", "tanpa", "kurang", "sangat", "amat", "terlalu", "paling",
        "lebih", "benar", "salah", "bisa", "dapat", "harus", "wajib", "boleh", "akan", "baru", "mati", "meninggal",
        "bohong", "palsu",
    }
)


def load_stopwords(path: Path) -> list[str]:
    """The stop word list at ``path`` minus :data:`KEEP`, lower case, sorted."""
    words = set()
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            w = line.strip().lower()
            if w and not w.startswith("#"):
                words.add(w)
    return sorted(words - KEEP)
