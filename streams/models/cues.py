"""Hoax-style cues common in Indonesian chain messages, computed per post as a few dense features.

Each cue is explainable on its own (its name is reported with the score): calls to spread (``sebarkan``,
``viralkan``, ``sebelum dihapus``), urgency and fear, clickbait openers, appeals to hidden authority, shouting
(capital letters), runs of ``!``/``?``, and — pulling the other way — debunk/fact-check language. The hoax model
learns one weight per cue from the training data, so a cue is a feature, not a rule; the cues that define chain
messages have a minimum weight (``CUE_WEIGHT_FLOOR``) because the training tweets hold few chain messages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from streams.text.canonical import canonical

# Phrases are matched on the normalised text (lower case, slang expanded: "gak" -> "tidak", "viralin" ->
# "viralkan"), token by token, so the cost is a set test per post plus a look-up per candidate token.
CUE_PHRASES: dict[str, tuple[str, ...]] = {
    "spread_call": (
        "sebarkan", "sebar luaskan", "sebarluaskan", "viralkan", "bagikan", "share", "broadcast", "forward",
        "teruskan", "kirim ke", "kirimkan ke", "copy paste", "salin tempel", "mohon disebarkan", "tolong disebarkan",
        "disebarkan", "disebarluaskan", "jangan berhenti di kamu", "jangan putus di anda", "jangan putus di kamu",
        "sebar ke", "share ke", "bagikan ke", "kirimkan", "forwardkan",
    ),
    "before_deleted": (
        "sebelum dihapus", "sebelum di hapus", "sebelum di take down", "sebelum ditakedown", "sebelum diblokir",
        "sebelum hilang", "segera dihapus", "akan dihapus", "sebelum dihilangkan",
    ),
    "urgency": (
        "penting", "darurat", "segera", "waspada", "awas", "hati hati", "peringatan", "bahaya", "berbahaya",
        "mengerikan", "ngeri", "siaga", "gawat", "genting", "mendesak",
    ),
    "clickbait": (
        "ternyata", "inilah", "begini", "heboh", "gempar", "menggemparkan", "mengejutkan", "terbongkar", "rahasia",
        "wow", "tidak disangka", "luar biasa", "viral", "dijamin", "100 persen", "terbukti", "ampuh", "mujarab",
        "menyembuhkan", "sembuh total", "jangan lewatkan", "wajib tahu", "wajib baca", "baca sampai habis", "azab",
        "kiamat", "fakta mengejutkan", "tidak banyak yang tahu",
    ),
    "hidden_authority": (
        "info dari", "informasi dari", "pesan dari", "kata dokter", "dokter di", "dokter dari", "dari grup sebelah",
        "dari grup", "katanya", "konon", "menurut sumber", "sumber terpercaya", "orang dalam", "bocoran",
        "dikabarkan", "kabarnya", "info a1", "copas dari", "salin tempel dari",
    ),
    "conspiracy": (
        "konspirasi", "antek", "asing", "aseng", "komunis", "pki", "yahudi", "zionis", "elit global", "rezim",
        "dibungkam", "ditutupi", "disembunyikan", "media tidak memberitakan", "tidak diberitakan", "chip",
        "microchip", "magnet", "depopulasi",
    ),
    "debunk": (
        "hoaks", "tidak benar", "bukan fakta", "klarifikasi", "faktanya", "fakta sebenarnya", "cek fakta",
        "turnbackhoax", "mitos", "membantah", "bantah", "dibantah", "disinformasi", "misinformasi", "menyesatkan",
        "palsu", "berita bohong", "keliru", "luruskan", "meluruskan", "kominfo", "mafindo", "tidak terbukti",
    ),
    "news_source": (
        "detik", "detiknews", "detikcom", "kompas", "kompascom", "tempo", "cnn", "antara", "liputan6", "tribun",
        "tribunnews", "okezone", "viva", "republika", "kumparan", "jawapos", "cnbc", "bbc", "reuters", "pewarta",
        "wartawan", "reporter", "jurnalis",
    ),
}
CUE_PATTERNS = CUE_PHRASES  # the cue names, in feature order

FEATURE_NAMES: tuple[str, ...] = (
    *CUE_PATTERNS,
    "shouting",  # share of ASCII letters in capitals, on the raw text (0 under 12 letters)
    "caps_words",  # number of fully capitalised words (log)
    "exclaim",  # runs of "!" (log)
    "question",  # runs of "?" (log)
    "url",  # has a link
    "length",  # log length of the normalised text
)

# Lower bounds on the learned weights of the cues that define chain messages. Fact-checkers (MAFINDO, Kominfo's
# #JanganAsalShare) describe them, but the training tweets hold few chain messages (29 with a call to spread,
# 2 "before it is deleted"), so the data alone cannot teach them; a bound keeps each one a push towards hoax.
CUE_WEIGHT_FLOOR: dict[str, float] = {"spread_call": 0.5, "before_deleted": 1.0, "hidden_authority": 0.3, "shouting": 0.3}

_PHRASE_INDEX: dict[str, list[tuple[str | None, int]]] = {}
for _j, _phrases in enumerate(CUE_PHRASES.values()):
    for _p in _phrases:
        _toks = _p.split()
        _PHRASE_INDEX.setdefault(_toks[0], []).append((" " + " ".join(_toks) + " " if len(_toks) > 1 else None, _j))
_FIRST = frozenset(_PHRASE_INDEX)
_WORD_ASCII = np.array([chr(c).isalnum() or chr(c) == "_" for c in range(128)], dtype=bool)
_MAX_RAW = 5000


def _doc_of(positions: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.searchsorted(starts, np.asarray(positions, dtype=np.int64), side="right") - 1


def _per_doc_counts(mask: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Number of True values of ``mask`` in each [start, end) span."""
    if mask.size == 0:
        return np.zeros(starts.shape[0], dtype=np.int64)
    padded = np.append(mask.view(np.uint8) if mask.dtype == bool else mask, 0)
    sums = np.add.reduceat(padded, np.minimum(starts, mask.size), dtype=np.int64)
    return np.where(ends > starts, sums, 0)


def _sparse_counts(mask: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Like ``_per_doc_counts`` for rare events: positions -> documents -> counts."""
    pos = np.flatnonzero(mask)
    if pos.size == 0:
        return np.zeros(n, dtype=np.int64)
    return np.bincount(np.searchsorted(starts, pos, side="right") - 1, minlength=n)


def _bounds(texts: Sequence[str]) -> tuple[str, np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    return "\n".join(texts), starts, starts + lengths


def _codepoints(s: str) -> np.ndarray:
    if s.isascii():
        return np.frombuffer(s.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # a lone surrogate too


def cue_matrix(raw_texts: Sequence[str], normalized: Sequence[str],
               words: Sequence[list[str]] | None = None) -> np.ndarray:
    """Dense ``[n, len(FEATURE_NAMES)]`` float32 cue features, computed for the whole batch in a few passes.
    ``words``: each normalised text's ``split()``, when the caller has it already."""
    n = len(normalized)
    out = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float32)
    if n == 0:
        return out
    k = len(CUE_PATTERNS)
    # phrase cues: a set test per post, then a look-up per candidate token
    first, index = _FIRST, _PHRASE_INDEX
    for d, text in enumerate(normalized):
        cand = first.intersection(text.split() if words is None else words[d])
        if not cand:
            continue
        padded = " " + text + " "
        for tok in cand:
            for phrase, j in index[tok]:
                if phrase is None or phrase in padded:
                    out[d, j] = 1.0
    joined, starts, ends = _bounds(normalized)
    cps = _codepoints(joined)
    out[:, k + 2] = np.log1p(_sparse_counts(cps == ord("!"), starts, n))
    out[:, k + 3] = np.log1p(_sparse_counts(cps == ord("?"), starts, n))
    out[:, k + 4] = np.fromiter(("_url_" in t for t in normalized), dtype=np.float32, count=n)
    out[:, k + 5] = np.log1p(ends - starts) / 8.0
    # shouting, on the raw text
    raw = [canonical((t or "")[:_MAX_RAW]) for t in raw_texts]  # fullwidth or "fancy font" capitals shout too
    rjoined, rstarts, rends = _bounds(raw)
    rcps = _codepoints(rjoined)
    upper = (rcps >= 65) & (rcps <= 90)
    letters = upper | ((rcps >= 97) & (rcps <= 122))
    n_upper = _per_doc_counts(upper, rstarts, rends)
    n_letters = _per_doc_counts(letters, rstarts, rends)
    out[:, k] = np.where(n_letters >= 12, n_upper / np.maximum(n_letters, 1), 0.0)
    caps_pos = _caps_words(rcps, upper)
    if caps_pos.size:
        out[:, k + 1] = np.log1p(np.bincount(_doc_of(caps_pos, rstarts), minlength=n))
    return out


def _caps_words(cps: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Where the fully capitalised words start: what ``re.finditer(r"\\b[A-Z]{3,}\\b", text)`` finds (a run of
    three or more ASCII capitals with no word character, of any script, on either side), from the code points
    and their capitals mask, without a regular-expression scan of the batch."""
    edge = np.diff(np.concatenate(([0], upper.view(np.int8), [0])))
    start, end = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    long = end - start >= 3
    start, end = start[long], end[long]
    word_before = np.zeros(start.size, dtype=bool)
    inside = start > 0
    word_before[inside] = _is_word_char(cps[start[inside] - 1])
    word_after = np.zeros(start.size, dtype=bool)
    inside = end < cps.size
    word_after[inside] = _is_word_char(cps[end[inside]])
    return start[~word_before & ~word_after]


def _is_word_char(cps: np.ndarray) -> np.ndarray:
    """Whether each code point is a word character to ``re`` (``\\w``: ``str.isalnum()`` or ``_``)."""
    out = _WORD_ASCII[np.minimum(cps, 127)]
    for i in np.flatnonzero(cps > 127).tolist():
        out[i] = chr(int(cps[i])).isalnum()
    return out


def fired_cues_batch(cues: np.ndarray, weights: np.ndarray | None = None, limit: int = 4) -> list[list[str]]:
    """Names of the readable cues (the phrase cues, shouting, runs of ``!``) present in each row of a cue
    matrix. With ``weights`` (``[features]``, or ``[rows, features]`` for a per-row direction) only the cues
    with a positive weight are named, the strongest pull (cue value x weight) first."""
    k = len(CUE_PATTERNS)
    columns = [*range(k), k, k + 2]
    names = [FEATURE_NAMES[j] for j in columns]
    fired = np.column_stack([cues[:, :k] > 0, cues[:, k] >= 0.6, cues[:, k + 2] >= np.log1p(2)])
    pull = cues[:, columns].astype(np.float64)
    if weights is not None:
        row_weights = np.broadcast_to(np.asarray(weights)[..., columns], fired.shape)
        fired &= row_weights > 0
        pull = pull * row_weights
    order = np.argsort(np.where(fired, -pull, np.inf), axis=1, kind="stable")[:, :limit].tolist()
    counts = np.minimum(fired.sum(axis=1), limit).tolist()
    return [[names[j] for j in row[:count]] for row, count in zip(order, counts, strict=True)]
