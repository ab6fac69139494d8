"""The terms claims are matched on: a normalised token with hedge words dropped, common spelling variants
mapped to one form and a very light Indonesian stemming, so "menyebabkan", "sebabkan" and "sebab" meet."""

from __future__ import annotations

_VOWELS = frozenset("aeiou")
# matching only: modal and hedge words that claims and posts use interchangeably ("X dapat menyebabkan Y" /
# "X menyebabkan Y"), and spelling variants common in Indonesian posts mapped to one form
MATCH_STOPWORDS = frozenset({"dapat", "bisa", "bs", "akan", "mampu", "klaim", "diklaim", "katanya", "konon"})
VARIANTS = {
    "kangker": "kanker", "juice": "jus", "corona": "covid", "korona": "covid", "covid19": "covid",
    "fluoride": "fluorida", "vaksinasi": "vaksin", "indonesiia": "indonesia", "sholat": "salat", "shalat": "salat",
    "solat": "salat", "hoax": "hoaks",
}


def match_term(tok: str) -> str | None:
    """The matching term of a normalised token (None for words that never identify a claim)."""
    if tok in MATCH_STOPWORDS:
        return None
    tok = VARIANTS.get(tok, tok)
    term = stem(tok)
    return VARIANTS.get(term, term)


def stem(tok: str) -> str:
    """Very light Indonesian stemming for matching only: particles and ``-kan`` endings, then the verbal prefixes
    ``me(N)-``/``ber-``/``ter-``/``di-`` with the nasal recoded where it is unambiguous enough for matching
    (``menyebabkan``/``sebabkan`` → ``sebab``, ``menurunkan``/``turunkan`` → ``turun``, ``memakai`` → ``pakai``)."""
    if len(tok) > 5:
        for suf in ("nya", "lah", "kah", "kan"):
            if tok.endswith(suf) and len(tok) - len(suf) >= 4:
                tok = tok[: -len(suf)]
                break
    if len(tok) > 5:
        if tok.startswith("meny") and tok[4:5] in _VOWELS and len(tok) >= 7:
            return "s" + tok[4:]
        if tok.startswith("meng") and len(tok) - 4 >= 4:
            return tok[4:]
        if tok.startswith(("mem", "men")) and len(tok) - 3 >= 4:
            rest = tok[3:]
            if rest[0] in _VOWELS:
                return ("p" if tok[2] == "m" else "t") + rest
            return rest
        for pre in ("ter", "ber", "di", "me"):
            if tok.startswith(pre) and len(tok) - len(pre) >= 4:
                return tok[len(pre) :]
    return tok
