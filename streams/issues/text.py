"""Light, fast text features for grouping posts into issues: terms, hashtags, entities, near-duplicate signatures.

This module reads the raw post text itself rather than the model normaliser's output, on purpose: an issue id
must not change when the normaliser or a model is upgraded (a rolling deploy would otherwise split every live
issue in two), and it must cost a few microseconds per post.

Term informativeness comes from document frequencies computed once from the Indonesian corpora shipped in
``data/`` and stored in ``term_df.json`` next to this module (regenerate with ``python -m streams.issues.build_terms``).
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
from functools import lru_cache
from pathlib import Path

import orjson

from streams.text.canonical import without_accents
from streams.text.normalize import LEET_DIGITS

TERM_DF_PATH = Path(__file__).resolve().parent / "term_df.json"

URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
RT_PREFIX_RE = re.compile(r"^\s*(?:RT|rt|Rt)\s*@\w+\s*:?\s*")
MENTION_RE = re.compile(r"@\w+")
HASHTAG_RE = re.compile(r"#([^\W_][\w]{1,60})")
STRIP_RE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+", re.IGNORECASE)
# Entity candidates in the raw text: acronyms (PLN, BPJS, KRL, DKI) and capitalised words (Undip, Cilandak).
CAPS_RE = re.compile(r"\b[A-Z][A-Za-z0-9]*\b")
CAPITALISED_RE = re.compile(r"\b([A-Z][a-z]{2,20})\b")
WORD_RE = re.compile(r"[a-z][a-z0-9]*")

# Hashtags too generic to name an issue (platform filler, not a topic).
GENERIC_HASHTAGS = frozenset(
    {
        "viral", "fyp", "fypage", "foryou", "foryoupage", "fy", "fypp", "fyppp", "xyzbca", "trending", "trend",
        "indonesia", "news", "berita", "info", "informasi", "update", "breaking", "breakingnews", "repost",
        "video", "tiktok", "instagram", "twitter", "facebook", "youtube", "reels", "shorts", "explore",
        "beritaterkini", "beritaviral", "infoterkini", "terkini", "hot", "hits", "follow", "like", "share",
        "sebarkan", "waspada", "hoax", "hoaks", "cekfakta", "faktaatauhoaks", "penting", "wajibtahu",
    }
)

# Social-media filler and slang that is frequent online but rare in the reference corpora: never a topic.
FILLER = frozenset(
    {
        "yg", "gak", "ga", "gk", "nggak", "ngga", "enggak", "tdk", "dgn", "utk", "krn", "karna", "sdh", "udh",
        "udah", "blm", "bgt", "banget", "aja", "sih", "deh", "dong", "kok", "nih", "tuh", "loh", "lho", "kalo",
        "klo", "kl", "jd", "jgn", "pd", "tp", "tpi", "sm", "sy", "gue", "gw", "gua", "lu", "lo", "elo", "km",
        "kamu", "aku", "kita", "kalian", "mereka", "dia", "wkwk", "wkwkwk", "haha", "hahaha", "hehe", "wah",
        "waduh", "duh", "astaga", "astagfirullah", "astaghfirullah", "subhanallah", "masyaallah", "alhamdulillah",
        "amin", "aamiin", "woi", "woy", "bro", "sis", "gan", "min", "admin", "mimin", "kak", "bang", "pak", "bu",
        "user", "url", "http", "https", "www", "com", "co", "id", "rt", "via", "cc", "dm", "pls", "please",
        "copas", "sebarkan", "share", "viral", "info", "beredar", "kabar", "katanya", "berita", "hoax", "hoaks",
        "benarkah", "cek", "fakta", "nya", "lah", "kah", "pun", "ya", "yah", "iya", "ok", "oke", "okay", "the",
        "and", "of", "to", "in", "is", "for", "this", "that", "you", "it", "on", "with", "gimana", "bagaimana",
        "kenapa", "mengapa", "apa", "siapa", "kapan", "dimana", "gitu", "begitu", "gini", "begini", "lagi", "juga",
        "sudah", "belum", "masih", "baru", "tadi", "hari", "ini", "itu", "orang", "semua", "banyak", "sekali",
        "sangat", "buat", "bikin", "sama", "terus", "trus", "emang", "memang", "mau", "bisa", "tidak", "bukan",
        "jangan", "ada", "kalau", "jadi", "karena", "tapi", "dari", "dan", "atau", "yang", "untuk", "dengan",
        "hati", "hatihati", "tolong", "mohon", "guys", "teman", "temen", "grup", "group", "wa", "whatsapp",
        "sebelah", "dapat", "lagi", "loh", "mantap", "mantul", "keren", "parah", "anjir", "anjay", "btw", "otw",
        "lho", "kk", "dr", "dri", "ke", "di", "se", "gais", "gaes", "warganet", "netizen",
    }
)

# Function words of Javanese and Sundanese, which Indonesians write online too. The reference corpora are
# Indonesian, so these words look rarer than any Indonesian word and would otherwise become the anchor of every
# post written in those languages, gathering unrelated posts into one issue ("topic-opo"). Written for Sigap;
# words that are also Indonesian content or names (teh, karo, abdi, apik) are left out on purpose.
REGIONAL_FILLER = frozenset(
    {
        # Javanese
        "ora", "opo", "piye", "kepiye", "sing", "iki", "kuwi", "kui", "iku", "kae", "wis", "uwis", "wes",
        "durung", "arep", "neng", "ning", "nang", "ono", "onok", "enek", "wong", "kowe", "sampeyan",
        "panjenengan", "kulo", "dadi", "mergo", "merga", "amarga", "nek", "lek", "yen", "banjur", "meneh",
        "maneh", "wae", "mung", "isih", "saiki", "ngene", "ngono", "kabeh", "akeh", "tenan", "pancen", "koyo",
        "kayak", "rek", "cak", "dulur", "lur", "mbak", "mas", "mbok", "tak", "leh", "kene", "kono", "ngopo",
        "ngapa", "ngapain", "lagek", "saben",
        # Sundanese
        "eta", "ieu", "aya", "teu", "henteu", "moal", "atuh", "mah", "oge", "tos", "parantos", "acan", "kumaha",
        "naon", "saha", "iraha", "urang", "anjeun", "sadayana", "pisan", "geura", "euy", "sok", "bae", "lamun",
        "upami", "sareng", "jeung", "kana", "keur", "nuju", "bakal", "kudu", "kedah", "hayang", "ngan",
    }
)

TOKEN_MIN_LEN = 3


@lru_cache(maxsize=1)
def term_stats() -> tuple[int, dict[str, int], frozenset[str]]:
    """(documents, document frequency per term, stop words) from the shipped resource file."""
    data = orjson.loads(TERM_DF_PATH.read_bytes())
    return int(data["documents"]), dict(data["df"]), frozenset(data["stopwords"]) | FILLER | REGIONAL_FILLER


@lru_cache(maxsize=1)
def _idf_table() -> tuple[dict[str, float], float]:
    n, df, _ = term_stats()
    idf = {term: math.log((n + 1) / (count + 1)) for term, count in df.items()}
    return idf, math.log((n + 1) / 1.5)  # unseen terms: as rare as a term seen once (df entries start at 2)


def idf(term: str) -> float:
    table, unseen = _idf_table()
    return table.get(term, unseen)


def stopwords() -> frozenset[str]:
    return term_stats()[2]


def strip_reshare(text: str) -> str:
    """Drop a leading ``RT @handle:`` so a reshare reads like its original."""
    return RT_PREFIX_RE.sub("", text, count=1)


def clean_for_words(text: str) -> str:
    """Text without URLs, mentions and hashtags: what a post says in its own words (case kept)."""
    if "#" in text or "@" in text or "http" in text or "www." in text:
        return STRIP_RE.sub(" ", text)
    return text


def _fold(token: str) -> str:
    # Indonesian reduplication with a digit ("dokter2") and the clitic "-nya" ("tempatnya") fold to the base word.
    if token[-1] == "2" and len(token) > 3 and token[:-1].isalpha():
        token = token[:-1]
    if len(token) > 6 and token.endswith("nya"):
        token = token[:-3]
    return token


def content_terms(text: str) -> list[str]:
    """Informative word tokens of a (reshare-stripped) text, in order, stop words and filler removed."""
    stop = stopwords()
    out = []
    for raw in WORD_RE.findall(clean_for_words(text).lower()):
        token = _fold(raw)
        if len(token) < TOKEN_MIN_LEN or token in stop:
            continue
        out.append(token)
    return out


def raw_hashtags(text: str) -> list[str]:
    """Hashtags as written (case kept, without ``#``) in order of appearance; generic ones and pure numbers
    removed, no duplicates (case-insensitively)."""
    if "#" not in text:
        return []
    seen: list[str] = []
    lowered: set[str] = set()
    for tag in HASHTAG_RE.findall(text):
        low = tag.lower()
        if low in GENERIC_HASHTAGS or low.isdigit() or low in lowered:
            continue
        lowered.add(low)
        seen.append(tag)
    return seen


def hashtags(text: str) -> list[str]:
    """Lower-case hashtags in order of appearance, generic ones and pure numbers removed, no duplicates."""
    return [tag.lower() for tag in raw_hashtags(text)]


def terms_and_entities(text: str) -> tuple[list[str], list[str]]:
    """(content terms, entity candidates) of a text in one pass.

    Entity candidates are acronyms (PLN, BPJS, KRL) and capitalised words that do not start a sentence, lower
    cased. Texts that shout (mostly upper case) or use title case throughout carry no capitalisation signal and
    give no entities.
    """
    cleaned = clean_for_words(text)
    stop = stopwords()
    terms: list[str] = []
    n_words = 0
    for raw in WORD_RE.findall(cleaned.lower()):
        n_words += 1
        token = _fold(raw)
        if len(token) >= TOKEN_MIN_LEN and token not in stop:
            terms.append(token)
    found: list[str] = []
    if n_words:
        caps = CAPS_RE.findall(cleaned)
        if caps:
            n_upper = sum(1 for word in caps if word.isupper() and len(word) > 1)
            if n_upper <= 0.3 * n_words:
                found.extend(w.lower() for w in caps if w.isupper() and 2 <= len(w) <= 6)
            if len(caps) - n_upper <= 0.4 * n_words:
                for match in CAPITALISED_RE.finditer(cleaned):
                    prefix = cleaned[max(0, match.start() - 8): match.start()].rstrip(" \t\"'([*-")
                    if not prefix or prefix[-1] in ".!?:;\n":
                        continue  # capitalised because it starts a sentence, not because it is a name
                    found.append(_fold(match.group(1).lower()))
    entities_out = []
    for term in found:
        if term not in stop and term not in entities_out:
            entities_out.append(term)
    return terms, entities_out


def entities(text: str) -> list[str]:
    """Lower-case named-entity candidates (see :func:`terms_and_entities`)."""
    return terms_and_entities(text)[1]


def stable_hash(value: str, size: int = 8) -> str:
    """A short, process-independent hex digest (Python's ``hash`` is salted per process)."""
    return hashlib.blake2b(value.encode("utf-8"), digest_size=size).hexdigest()


def slug(value: str, max_len: int = 48) -> str:
    """ASCII ``[a-z0-9_.-]`` form of an identifier, with a hash suffix if anything was lost."""
    lowered = value.strip().lower()
    cleaned = re.sub(r"[^a-z0-9_.-]+", "-", lowered).strip("-")
    if cleaned != lowered or len(cleaned) > max_len or not cleaned:
        cleaned = f"{cleaned[: max_len - 9].rstrip('-')}-{stable_hash(value, 4)}".lstrip("-")
    return cleaned


# --- near-duplicate signatures (coordination) ---------------------------------------------------------------

MINHASH_BANDS = 4
MINHASH_ROWS = 3
_MINHASH_WORDS = struct.Struct(f"<{MINHASH_BANDS * MINHASH_ROWS}I")
_SIG_WORD_RE = re.compile(r"[a-z][a-z0-9]+")


def signature_tokens(text: str) -> set[str]:
    """The word set used to compare texts for near-identity: every word of two letters or more, hashtags
    included (as words), URLs, mentions and numbers excluded, read through ``without_accents`` (invisible
    characters, "fancy fonts", accents and look-alike letters cannot make copies of one message look distinct)."""
    text = strip_reshare(without_accents(text))
    text = URL_RE.sub(" ", text)
    text = MENTION_RE.sub(" ", text)
    # digits inside words read as letters ("b4ik"), so a copy cannot be told apart by leetspeak either
    return {_fold(t).translate(LEET_DIGITS) for t in _SIG_WORD_RE.findall(text.lower().replace("#", " "))}


def near_duplicate_bands(text: str) -> list[str]:
    """MinHash/LSH band keys: two texts share at least one key with high probability when their word sets are
    near-identical (Jaccard 0.8: ~94 %) and rarely when they merely share a topic (Jaccard 0.3: ~10 %)."""
    tokens = signature_tokens(text)
    if len(tokens) < 3:
        return []
    # hash i of a token: the i-th little-endian 32-bit word of one blake2b digest; MinHash keeps each one's minimum
    hashes = (_MINHASH_WORDS.unpack(hashlib.blake2b(token.encode("utf-8"), digest_size=_MINHASH_WORDS.size).digest())
              for token in tokens)
    mins = [min(column) for column in zip(*hashes, strict=True)]
    bands = []
    for b in range(MINHASH_BANDS):
        row = mins[b * MINHASH_ROWS:(b + 1) * MINHASH_ROWS]
        bands.append(f"{b}:" + hashlib.blake2b(str(row).encode(), digest_size=6).hexdigest())
    return bands
