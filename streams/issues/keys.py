"""Issue ids, computed statelessly when a post is scored, so one post gets the same id on any worker.

The id decides which partition of the issue events topic (and so which worker) owns the post's issue, so it has
to be cheap (it is computed for every scored post: `benchmarks/bench_issue_text_ab.py` measures it), deterministic,
and good enough without any shared state:

1. ``claim-<claim id>``: the post matches a known claim. Every post about a known claim, whatever its wording,
   joins that claim's issue.
2. ``topic-<term>``: otherwise the post's *anchor term*, one word that names what it is about:
   a hashtag when there is one (the strongest hint people give themselves; generic ones like ``#viral`` skipped),
   else the most informative of its named entities (acronyms such as ``PLN``/``BPJS``, capitalised names) and
   content words, where informativeness is the inverse document frequency over Indonesian reference corpora
   and a named entity gets a bonus. Near-duplicates, copy-pastes and reshares (``RT @x: ...``) share their rarest
   words, so they land together; a surge about one entity lands on that entity; ordinary chatter about
   different things has different rarest words and spreads over many small issues. Hashtags, entities and words
   share one namespace, so ``#PLN``, ``PLN`` and ``pln`` name the same issue.
3. ``share-<hash>``: a reshare with nothing of its own to say (``shared_from`` set, no informative word) groups
   with the other bare reshares of the same post.
4. ``misc-<hash>``: nothing informative at all (emoji, one filler word): identical texts still group together.

The model normaliser's output (``normalized``, ``tokens``) is accepted but deliberately not used, so that an
upgrade of the normaliser never re-keys live issues; the raw text is always present.
"""

from __future__ import annotations

from streams.issues.text import (
    raw_hashtags,
    idf_table,
    signature_tokens,
    slug,
    stable_hash,
    strip_reshare,
    terms_and_entities,
)
from streams.text.canonical import without_accents

ENTITY_BONUS = 3.0      # nats: an entity beats a content word up to ~20 times rarer, typos included
MIN_ENTITY_IDF = 4.3    # an entity more common than ~1 document in 75 (Jakarta, Indonesia) names no issue
MIN_KEYWORD_IDF = 5.0   # nor does a content word more common than ~1 in 150 (makanan, pelayanan)
GAZETTEER_IDF = 7.5     # a well-known entity counts as rare as a word seen in ~1 document in 1,800

# Public services, companies, institutions and public figures that complaint and rumour waves are about. Written in
# any case ("pln", "Pln", "PLN"), they count as named entities, whatever their frequency in the reference corpora.
# Ambiguous common words (dana, pos, sim, tiket...) are left out on purpose.
ENTITY_GAZETTEER = frozenset(
    """
    pln pdam bpjs krl kai kci mrt lrt transjakarta busway damri pelni garuda citilink pertamina pgn telkomsel
    indosat smartfren indihome biznet telkom firstmedia myrepublic gojek grab maxim shopee tokopedia lazada
    bukalapak blibli traveloka ovo gopay linkaja shopeepay bca bri bni btn bsi cimb jenius ojk bps bmkg bnpb
    bpbd basarnas kpu bawaslu dpr dprd mpr kpk polri tni kejagung kemenkes kemendikbud kemendikbudristek kemenag
    kemenkeu kemensos kominfo kemenkominfo komdigi kemenhub kemnaker kemendagri kementan kemendag dukcapil samsat
    imigrasi bpom mui pssi timnas ikn tapera bansos blt pkh kjp ektp stnk tilang etle djp jne jnt sicepat
    anteraja puskesmas rsud ppdb utbk snbt sirekap pemilu pilkada pilpres jokowi prabowo gibran anies ganjar
    ahok megawati puan sby bbm elpiji lpg pertalite pertamax solar
    """.split()
)

CLAIM_PREFIX = "claim-"
TOPIC_PREFIX = "topic-"
SHARE_PREFIX = "share-"
MISC_PREFIX = "misc-"


def _entity_in_hashtag(raw: str, names: list[str]) -> str | None:
    """The entity a hashtag is built on (``#PLNpadam`` -> ``pln``, ``#antreanBPJS`` -> ``bpjs``,
    ``#UndipMahal`` -> ``undip`` when the text names Undip), so that the hashtag and the entity name one issue.
    A short entity must sit on a case boundary (``#PLNpadam``, not ``#brilian``)."""
    lower = raw.lower()
    for length in range(min(len(lower), 20), 2, -1):
        head, tail = lower[:length], lower[-length:]
        if head in ENTITY_GAZETTEER or head in names:
            rest = len(lower) - length
            if rest == 0 or (rest >= 3 and (length >= 4 or (raw[length - 1].isupper() and raw[length].islower()))):
                return head
        if tail in ENTITY_GAZETTEER or tail in names:
            rest = len(lower) - length
            if rest >= 3 and (length >= 4 or (raw[-length].isupper() and raw[-length - 1].islower())):
                return tail
    return None


def anchor_term(text: str) -> tuple[str, str] | None:
    """(kind, term) naming what ``text`` is about: kind is ``hashtag``, ``entity`` or ``keyword``; None if
    the text has no informative word."""
    terms, names = terms_and_entities(text)
    tags = raw_hashtags(text)
    if tags:
        entity = _entity_in_hashtag(tags[0], names)
        if entity is not None:
            return "entity", entity
        return "hashtag", tags[0].lower()
    weights, unseen = idf_table()
    weight_of = weights.get
    best: tuple[float, str] | None = None
    kind = ""
    for term in names:
        weight = weight_of(term, unseen)
        if term in ENTITY_GAZETTEER:
            weight = max(weight, GAZETTEER_IDF)
        elif weight < MIN_ENTITY_IDF:
            continue
        candidate = (weight + ENTITY_BONUS, term)
        if best is None or candidate > best:
            best, kind = candidate, "entity"
    for term in terms:
        if term in ENTITY_GAZETTEER:
            candidate = (max(weight_of(term, unseen), GAZETTEER_IDF) + ENTITY_BONUS, term)
            if best is None or candidate > best:
                best, kind = candidate, "entity"
            continue
        weight = weight_of(term, unseen)
        if weight < MIN_KEYWORD_IDF:
            continue
        candidate = (weight, term)
        if best is None or candidate > best:
            best, kind = candidate, "keyword"
    if best is None:
        return None
    return kind, best[1]


def issue_id_for(post: dict, normalized: str, tokens: list[str], claim_match: dict | None) -> str:
    """The issue id of a post (see the module doc). Pure function of the post's text, ``shared_from`` and claim
    match."""
    if claim_match and claim_match.get("claim_id") not in (None, ""):
        return CLAIM_PREFIX + slug(str(claim_match["claim_id"]), max_len=64)
    text = post.get("text")
    if not isinstance(text, str) or not text.strip():
        text = normalized or " ".join(tokens or ())
    text = strip_reshare(without_accents(text))  # a disguised copy of a message joins the message's issue
    anchor = anchor_term(text)
    if anchor is not None:
        return TOPIC_PREFIX + slug(anchor[1])
    shared = post.get("shared_from")
    if shared:
        return SHARE_PREFIX + stable_hash(str(shared))
    words = sorted(signature_tokens(text))
    return MISC_PREFIX + stable_hash(" ".join(words) if words else text.strip().lower())


def issue_kind(issue_id: str) -> str:
    """``claim``, ``topic``, ``share`` or ``misc``, from an issue id."""
    head = issue_id.split("-", 1)[0]
    return head if head in ("claim", "topic", "share", "misc") else "other"


def issue_label(issue_id: str) -> str:
    """A short human label for an issue id (the engine refines it with the claim text when it knows it)."""
    kind = issue_kind(issue_id)
    rest = issue_id.split("-", 1)[1] if "-" in issue_id else issue_id
    if kind == "topic":
        return rest
    if kind == "share":
        return "reshares of one post"
    if kind == "misc":
        return "short posts without a topic word"
    return issue_id
