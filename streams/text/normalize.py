"""The one Indonesian social-media normaliser used by every model and by claim matching.

``normalize("Vaksin bikin autis??? SEBARKAN!!! @budi #JanganPanik http://t.co/x 😡 bangettt gak bener")`` returns
``"vaksin bikin autis ? sebarkan ! _user_ jangan panik _url_ marah banget tidak benar"``.

What it does, in order (the same for one text or a batch):

* one spelling per letter (``streams.text.canonical``): invisible characters, compatibility and "fancy font"
  forms, stray combining marks and look-alike Cyrillic or Greek letters undone (accents stay);
* HTML entities (``&amp;``…) decoded; URLs become ``_url_``, mentions ``_user_``;
* hashtags lose their ``#`` and camel-case tags are split (``#JanganPanik`` → ``jangan panik``);
* emoji and emoticons become sentiment-bearing words (``😡`` → ``marah``, ``:)`` → ``senang``), other pictographs go;
* lower case; ``!`` and ``?`` stay as tokens (runs collapse to one), other punctuation becomes a space;
  digit grouping is joined (``3.000`` → ``3000``);
* per token: laughter (``wkwkwk``, ``hahaha``) → ``haha``; reduplication with ``2`` (``anak2`` → ``anak anak``);
  leetspeak digits inside words (``s4y4ng`` → ``sayang``) when the result is a known word; letters repeated
  three or more times collapse to the commoner known spelling (``bangettt`` → ``banget``, ``maaaaf`` → ``maaf``,
  ``mantaaap`` → ``mantap``), as do doubled final
  letters of unknown words (``mantapp``); slang and abbreviations are expanded from ``resources/slang.tsv``
  (``gak/ga/nggak`` → ``tidak``, ``yg`` → ``yang``, ``dgn`` → ``dengan``, ``utk`` → ``untuk``, ``bgt`` → ``banget``).
* Negations (``tidak``, ``bukan``, ``belum``, ``jangan``) are never removed; stop words are not removed here.

Per-token results are memoised, so the cost per post is a few regex passes over the joined batch plus one dict
look-up per token. Word lists are static files under ``resources/`` so the output never depends on training.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from streams.text.canonical import canonical
from streams.text.memo import BoundedMemo

RESOURCES = Path(__file__).resolve().parent / "resources"

URL_TOKEN = "_url_"
USER_TOKEN = "_user_"
SPECIAL_TOKENS = frozenset({URL_TOKEN, USER_TOKEN})

# A bare domain starts where a run of name characters starts: without the look-behind every position inside
# "a.a.a.a…" was tried again, quadratic (0.85 s for one 20,000-character token).
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w.-])(?:[\w-]++\.)++(?:com|co\.id|go\.id|ac\.id|or\.id|id|net|org|ly|io|me|info|tv|news)\b(?:/\S*)?",
    re.IGNORECASE,
)
# What every match of _URL_RE contains (with the same case folding), searched first: most tokens with a dot are
# words before a full stop, and the full pattern costs several times this one.
_URL_HINT_RE = re.compile(r"://|www\.|\.(?:com|id|net|org|ly|io|me|info|tv|news)", re.IGNORECASE)
_MENTION_RE = re.compile(r"@[A-Za-z0-9_]{1,30}")
_HASHTAG_RE = re.compile(r"#([^\W_]\w*)")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_DIGIT_GROUP_RE = re.compile(r"(\d)[.,](?=\d{3}(?!\d))")
_BANG_RE = re.compile(r"[!¡]+")
_QUESTION_RE = re.compile(r"[?¿]+")
_PUNCT_RE = re.compile(r"[^\w!?]+|_")
# Emoji modifiers (variation selectors, skin tones, zero-width joiner, keycap) carry no meaning of their own.
_EMOJI_MODIFIERS_RE = re.compile("[\ufe0e\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff]")
# Pictographs not in the emoji table are dropped.
_PICTOGRAPH_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\u203c\u2049]")
_REPEAT3_RE = re.compile(r"(\D)\1{2,}")
_LAUGH_RE = re.compile(
    r"^(?:(?:wk|kw)+w?k?|(?:ha|ah)+h?|(?:aw|wo|ok)+k?a?w?|(?:xi)+|(?:hi){2,}h?|(?:he){2,}h?|(?:ka){3,}|(?:ck){2,})$"
)
LEET_DIGITS = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "6": "g", "9": "g",
                             "8": "b"})
_HAS_ALPHA_RE = re.compile(r"[a-z]")
_NUM_UNIT_RE = re.compile(r"^(\d+)(kg|gr|gram|km|cm|mm|ml|rb|ribu|jt|juta|gb|mb|mg|x|kali|persen|jam|menit|hari)$")
_HAS_DIGIT_RE = re.compile(r"\d")

_CACHE_LIMIT = 200_000
# Only tokens this short are memoised: words repeat, long runs do not, and 200,000 memoised 20,000-character
# tokens (a stream of posts built for it) would hold ~8 GB.
_CACHE_MAX_CHARS = 64


def _read_table(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or "\t" not in line:
                continue
            key, value = line.split("\t", 1)
            key, value = key.strip(), value.strip()
            if key:
                table[key] = value
    return table


def load_slang(path: Path | None = None) -> dict[str, str]:
    """The slang/abbreviation table, informal (lower case) → standard; identity rows are dropped."""
    table = _read_table(path or RESOURCES / "slang.tsv")
    return {k.lower(): v.lower() for k, v in table.items() if k.lower() != v.lower()}


def load_emoji(path: Path | None = None) -> dict[str, str]:
    """Emoji/emoticon → word table."""
    return _read_table(path or RESOURCES / "emoji.tsv")


def load_lexicon(path: Path | None = None) -> dict[str, int]:
    """Known word forms and how often the source corpora use them (used only to decide leetspeak and
    repeated-letter rewrites)."""
    path = path or RESOURCES / "lexicon.txt"
    if not path.exists():
        return {}
    lexicon = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                word, _, count = line.strip().partition("\t")
                lexicon[word] = int(count or 0)
    return lexicon


class Normalizer:
    """Stateless apart from memos of per-token rewrites (bounded; a dict write is atomic under the GIL, so sharing
    one instance between threads is safe)."""

    def __init__(
        self,
        slang: dict[str, str] | None = None,
        emoji: dict[str, str] | None = None,
        lexicon: Mapping[str, int] | Iterable[str] | None = None,
    ) -> None:
        self.slang = load_slang() if slang is None else dict(slang)
        emoji = load_emoji() if emoji is None else dict(emoji)
        if lexicon is None:
            lexicon = load_lexicon()
        elif not isinstance(lexicon, Mapping):
            lexicon = dict.fromkeys(lexicon, 0)
        self.lexicon: dict[str, int] = dict(lexicon)
        self._known = frozenset(self.lexicon) | frozenset(self.slang) | frozenset(self.slang.values())
        # Emoticons are whole whitespace-separated tokens; pictographs are mapped one code point at a time.
        self.emoticons = {k: v for k, v in emoji.items() if k.isascii()}
        self.pictographs = {}
        for k, v in emoji.items():
            if not k.isascii():
                base = _EMOJI_MODIFIERS_RE.sub("", k)
                if len(base) == 1:
                    self.pictographs[base] = v
        chars = "".join(sorted(self.pictographs))
        self._pictograph_re = re.compile("[" + re.escape(chars) + "]") if chars else None
        # a raw token's rewrite is not kept when it holds the link placeholder (a link, which rarely repeats, or
        # the placeholder typed by hand)
        self._raw = BoundedMemo(self._raw_uncached, limit=_CACHE_LIMIT, max_key_chars=_CACHE_MAX_CHARS,
                                keep=_holds_no_link)
        self._word = BoundedMemo(self._rewrite, limit=_CACHE_LIMIT, max_key_chars=_CACHE_MAX_CHARS)

    # ----------------------------------------------------------------------------------------------------------
    def normalize(self, text: str) -> str:
        return self.normalize_batch([text])[0]

    def normalize_batch(self, texts: Sequence[str]) -> list[str]:
        """Normalise many texts. Work happens once per distinct raw token (memoised), so a batch costs about one
        dict look-up per token."""
        get = self._raw.values.get
        raw = self._raw.miss
        out = []
        for text in texts:
            if not text:
                out.append("")
                continue
            if len(text) > 20_000:
                text = text[:20_000]
            text = canonical(text)
            parts = [r if (r := get(t)) is not None else raw(t) for t in text.split()]
            out.append(" ".join([p for p in parts if p]))
        return out

    def tokens(self, normalized: str) -> list[str]:
        return normalized.split()

    # ----------------------------------------------------------------------------------------------------------
    def _raw_uncached(self, tok: str) -> str:
        """Normalise one whitespace-free raw token."""
        emoticon = self.emoticons.get(tok)
        if emoticon is not None:
            return emoticon
        if tok.isascii() and tok.isalnum():  # the common case: a plain word
            return self._word(tok.lower())
        s = tok
        if "&" in s:
            s = html.unescape(s)
        if ("." in s or "/" in s) and _URL_HINT_RE.search(s):
            s = _URL_RE.sub(" " + URL_TOKEN + " ", s)
        if "@" in s:
            s = _MENTION_RE.sub(" " + USER_TOKEN + " ", s)
        if "#" in s:
            tag = s[1:]
            if s[0] == "#" and tag.isascii() and tag.isalnum():  # the whole token is one tag, the commonest case
                s = _split_tag(tag)
            else:
                s = _HASHTAG_RE.sub(_split_hashtag, s)
        if not s.isascii():
            s = _EMOJI_MODIFIERS_RE.sub("", s)
            if self._pictograph_re is not None:
                s = self._pictograph_re.sub(self._pictograph_sub, s)
            s = _PICTOGRAPH_RE.sub(" ", s)
        s = s.lower()
        if ("." in s or "," in s) and _DIGIT_GROUP_RE.search(s):
            s = _DIGIT_GROUP_RE.sub(r"\1", s)
        if "!" in s or "¡" in s:
            s = _BANG_RE.sub(" ! ", s)
        if "?" in s or "¿" in s:
            s = _QUESTION_RE.sub(" ? ", s)
        pieces = []
        for piece in s.split():
            if piece in SPECIAL_TOKENS:
                pieces.append(piece)
                continue
            for word in [piece] if piece.isalnum() else _PUNCT_RE.sub(" ", piece).split():  # (\w: isalnum or _)
                rep = self._word(word)
                if rep:
                    pieces.append(rep)
        return " ".join(pieces)

    def _pictograph_sub(self, m: re.Match[str]) -> str:
        return " " + self.pictographs[m.group(0)] + " "

    def _rewrite(self, tok: str) -> str:
        """Rewrite one lower-case word (letters/digits only)."""
        if tok in ("!", "?"):
            return tok
        slang, known = self.slang, self._known
        if tok in slang:
            return slang[tok]
        if tok in self.lexicon:
            return tok
        if len(tok) >= 4 and _LAUGH_RE.match(tok):
            return "haha"
        has_digit = _HAS_DIGIT_RE.search(tok) is not None
        if has_digit and _HAS_ALPHA_RE.search(tok):
            # reduplication: "anak2" -> "anak anak", "hati2" -> "hati hati"
            if tok.endswith("2") and tok[:-1].isalpha() and len(tok) > 3:
                base = self._rewrite(tok[:-1])
                return f"{base} {base}" if base else ""
            unit = _NUM_UNIT_RE.match(tok)  # "3kg" -> "3 kg", "10rb" -> "10 ribu"
            if unit:
                return unit.group(1) + " " + slang.get(unit.group(2), unit.group(2))
            leet = tok.translate(LEET_DIGITS)
            if leet.isalpha():
                if leet in known:
                    return slang.get(leet, leet)
                collapsed = self._collapse(leet, strict=True)
                if collapsed is not None:
                    return collapsed
            return tok  # covid19, g30s, 5g, rp87 … stay as they are
        if has_digit:
            return tok
        collapsed = self._collapse(tok)
        if collapsed is not None:
            return collapsed
        return tok

    def _collapse(self, tok: str, strict: bool = False) -> str | None:
        """Rewrite stretched spellings: "bangettt" -> "banget", "maaaaf" -> "maaf", "mantapp" -> "mantap",
        "mantaaap" -> "mantap"."""
        slang, known = self.slang, self._known
        candidates = []
        stretched = _REPEAT3_RE.search(tok) is not None
        if stretched:
            candidates = [_REPEAT3_RE.sub(r"\1\1", tok), _REPEAT3_RE.sub(r"\1", tok)]
        elif len(tok) > 3 and tok[-1] == tok[-2] and tok[-1].isalpha():
            candidates = [tok[:-1]]
        known_candidates = [cand for cand in candidates if cand in known]
        if known_candidates:
            # Both spellings may be known ("mantaap" 5 times in the corpora, "mantap" 367; "good" 4, "god" 3):
            # the commoner wins, the doubled letter on a tie.
            best = max(known_candidates, key=lambda cand: self.lexicon.get(cand, 0))
            return slang.get(best, best)
        for cand in candidates:  # the collapsed form may itself be stretched slang ("bgtt")
            if len(cand) > 3 and cand[-1] == cand[-2] and cand[:-1] in known:
                return slang.get(cand[:-1], cand[:-1])
        if stretched and not strict:
            one = candidates[-1]
            return slang.get(one, one)
        return None


def _holds_no_link(rewrite: str) -> bool:
    return URL_TOKEN not in rewrite


def _split_hashtag(m: re.Match[str]) -> str:
    return _split_tag(m.group(1))


def _split_tag(tag: str) -> str:
    parts = _CAMEL_RE.findall(tag)
    if len(parts) <= 1:
        return " " + tag + " "
    return " " + " ".join(parts) + " "



@lru_cache(maxsize=1)
def get_normalizer() -> Normalizer:
    """The process-wide normaliser built from the shipped tables."""
    return Normalizer()


def normalize(text: str) -> str:
    """Normalise one text with the shipped tables."""
    return get_normalizer().normalize(text)


def normalize_batch(texts: Sequence[str]) -> list[str]:
    """Normalise a batch of texts with the shipped tables (faster per text than calling ``normalize``)."""
    return get_normalizer().normalize_batch(texts)


def tokenize(text: str) -> list[str]:
    """Tokens of the normalised text."""
    return normalize(text).split()
