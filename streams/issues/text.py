"""Light, fast text features for grouping posts into issues: terms, hashtags, entities, near-duplicate signatures.

This module reads the raw post text itself rather than the model normaliser's output, on purpose: an issue id
must not change when the normaliser or a model is upgraded (a rolling deploy would otherwise split every live
issue in two), and it runs on every post, so it must be cheap (per-word steps are memoised).

Term informativeness comes from document frequencies computed once from the Indonesian corpora shipped in
``data/`` and stored in ``term_df.json`` next to this module (regenerate with ``python -m streams.issues.build_terms``).
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import orjson

from streams.text.canonical import without_accents
from streams.text.memo import BoundedMemo
from streams.text.normalize import LEET_DIGITS

TERM_DF_PATH = Path(__file__).resolve().parent / "term_df.json"

# The patterns below start with the set of characters a match can start with, and lookbehinds then pick the branch
# that character allows: Python's re engine scans for such a set quickly, but tries every branch of a leading
# alternation at every position (four times slower here). Spelled out, the case folding is that of re.IGNORECASE:
# for these letters it adds only "ſ" (U+017F), which matches "s" (a test compares them on every code point).
URL_RE = re.compile(r"[hHwW](?:(?<=[hH])[tT][tT][pP][sSſ]?://\S+|(?<=[wW])[wW][wW]\.\S+)")  # http(s):// or www.
RT_PREFIX_RE = re.compile(r"^\s*(?:RT|rt|Rt)\s*@\w+\s*:?\s*")
MENTION_RE = re.compile(r"@\w+")
HASHTAG_RE = re.compile(r"#([^\W_][\w]{1,60})")
# a URL as URL_RE reads it, a mention or a hashtag
STRIP_RE = re.compile(r"[@#hHwW](?:(?<=[@#])\w+|(?<=[hH])[tT][tT][pP][sSſ]?://\S+|(?<=[wW])[wW][wW]\.\S+)")
# Entity candidates in the raw text: acronyms (PLN, BPJS, KRL, DKI) and capitalised words (Undip, Cilandak), i.e.
# the words of r"\b[A-Z][A-Za-z0-9]*\b" (the lookbehind is the leading \b); capitalised words are those of them
# that are r"[A-Z][a-z]{2,20}" (they start and end where such a word does, so one scan finds both).
CAPS_RE = re.compile(r"[A-Z](?<!\w[A-Z])[A-Za-z0-9]*\b")
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
def idf_table() -> tuple[dict[str, float], float]:
    """(idf per term, idf of an unseen term): a term's idf is ``table.get(term, unseen)``."""
    n, df, _ = term_stats()
    idf = {term: math.log((n + 1) / (count + 1)) for term, count in df.items()}
    return idf, math.log((n + 1) / 1.5)  # unseen terms: as rare as a term seen once (df entries start at 2)


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


def terms_and_entities(text: str) -> tuple[list[str], list[str]]:
    """(content terms, entity candidates) of a text in one pass.

    Entity candidates are acronyms (PLN, BPJS, KRL) and capitalised words that do not start a sentence, lower
    cased. Texts that shout (mostly upper case) or use title case throughout carry no capitalisation signal and
    give no entities.
    """
    cleaned = clean_for_words(text)
    lowered = cleaned.lower()
    words = WORD_RE.findall(lowered)
    n_words = len(words)
    get, miss = _WORD_TERMS.values.get, _WORD_TERMS.miss
    terms = [term if (term := get(raw)) is not None else miss(raw) for raw in words]
    terms = [term for term in terms if term]
    found: list[str] = []
    if n_words and lowered != cleaned:  # (no capital letter: no entity candidate either)
        caps = [(match.start(), match.group()) for match in CAPS_RE.finditer(cleaned)]
        if caps:
            n_upper = sum(1 for _, word in caps if word.isupper() and len(word) > 1)
            if n_upper <= 0.3 * n_words:
                found.extend(w.lower() for _, w in caps if w.isupper() and 2 <= len(w) <= 6)
            if len(caps) - n_upper <= 0.4 * n_words:
                for start, word in caps:
                    if not (3 <= len(word) <= 21 and word[1:].isalpha() and word[1:].islower()):
                        continue  # not a capitalised word: an acronym, mixed case or digits
                    prefix = cleaned[max(0, start - 8): start].rstrip(" \t\"'([*-")
                    if not prefix or prefix[-1] in ".!?:;\n":
                        continue  # capitalised because it starts a sentence, not because it is a name
                    found.append(_fold(word.lower()))
    entities_out = []
    if found:
        stop = stopwords()
        for term in found:
            if term not in stop and term not in entities_out:
                entities_out.append(term)
    return terms, entities_out


def _word_term(raw: str) -> str:
    """The content term of a word as WORD_RE reads it, or "" when it is too short or a stop word once folded."""
    token = _fold(raw)
    return token if len(token) >= TOKEN_MIN_LEN and token not in stopwords() else ""


# Each holds up to ~8 MB of short words (the three filled with random words: +27.6 MB resident, the words' own list
# included); 20,500 benchmark posts hold 22,779 distinct words.
MEMO_LIMIT = 50_000
_WORD_TERMS = BoundedMemo(_word_term, limit=MEMO_LIMIT)


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
_TOKEN_HASH_BYTES = 4 * MINHASH_BANDS * MINHASH_ROWS  # one little-endian uint32 per hash
_SIG_WORD_RE = re.compile(r"[a-z][a-z0-9]+")


def signature_tokens(text: str) -> set[str]:
    """The word set used to compare texts for near-identity: every word of two letters or more, hashtags
    included (as words), URLs, mentions and numbers excluded, read through ``without_accents`` (invisible
    characters, "fancy fonts", accents and look-alike letters cannot make copies of one message look distinct)."""
    text = strip_reshare(without_accents(text))
    text = URL_RE.sub(" ", text)
    text = MENTION_RE.sub(" ", text)
    get, miss = _SIGNATURE_WORDS.values.get, _SIGNATURE_WORDS.miss
    return {word if (word := get(raw)) is not None else miss(raw)
            for raw in _SIG_WORD_RE.findall(text.lower().replace("#", " "))}


def _signature_word(raw: str) -> str:
    # digits inside words read as letters ("b4ik"), so a copy cannot be told apart by leetspeak either
    return _fold(raw).translate(LEET_DIGITS)


def _token_hashes(token: str) -> bytes:
    # hash i of a token: the i-th little-endian 32-bit word of one blake2b digest
    return hashlib.blake2b(token.encode("utf-8"), digest_size=_TOKEN_HASH_BYTES).digest()


_SIGNATURE_WORDS = BoundedMemo(_signature_word, limit=MEMO_LIMIT)
_TOKEN_HASHES = BoundedMemo(_token_hashes, limit=MEMO_LIMIT)


def near_duplicate_bands(text: str) -> list[str]:
    """MinHash/LSH band keys: two texts share at least one key with high probability when their word sets are
    near-identical (Jaccard 0.8: ~94 %) and rarely when they merely share a topic (Jaccard 0.3: ~10 %)."""
    tokens = signature_tokens(text)
    if len(tokens) < 3:
        return []
    get, miss = _TOKEN_HASHES.values.get, _TOKEN_HASHES.miss
    hashes = b"".join([digest if (digest := get(token)) is not None else miss(token) for token in tokens])
    # MinHash keeps the minimum of each hash over the tokens
    mins = np.frombuffer(hashes, dtype="<u4").reshape(len(tokens), -1).min(axis=0).tolist()
    bands = []
    for b in range(MINHASH_BANDS):
        row = mins[b * MINHASH_ROWS:(b + 1) * MINHASH_ROWS]
        bands.append(f"{b}:" + hashlib.blake2b(str(row).encode(), digest_size=6).hexdigest())
    return bands
