"""Realistic post streams built from the shipped data: the situations Sigap must escalate, and must not.

Every scenario is steady background chatter with (at most) one situation on top, except ``demo``, which packs
all of them into 50 minutes. Streams are deterministic for a (name, seed, start); posts follow the contract's
input format and carry one extra field, ``scenario`` (``{"name", "segment", ...truth}``), which the pipeline
passes through untouched and which tests use as ground truth.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from streams.issues.text import slug
from streams.scenarios import corpus

DEFAULT_START = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)  # 08:00 WIB on a Monday

PLATFORM_WEIGHTS = {"twitter": 50, "facebook": 15, "instagram": 10, "tiktok": 15, "youtube": 4, "news": 6}
REGIONS = ("ID-JK", "ID-JB", "ID-JT", "ID-JI", "ID-BT", "ID-YO", "ID-SU", "ID-SN", "ID-BA", "ID-KT", "ID-RI")
FIRST_NAMES = (
    "budi siti agus dewi rina andi eko sri wahyu putri dian fajar rizky ayu nur indah yusuf fitri hendra maya "
    "bayu lestari joko ratna dimas wulan arif sari teguh nanda gilang intan reza anisa yoga nabila rudi mega "
    "hadi tika irfan lia bagus citra adit vina ilham dinda galih rara"
).split()
HANDLE_TAILS = ("", "_", "__", ".id", "_official", "88", "99", "123", "_jkt", "_bdg", "_sby", "07", "21")
BACKGROUND_TAGS = (
    "#kuliner", "#jalanjalan", "#belanjaonline", "#musik", "#film", "#sepakbola", "#kopi", "#liburan",
    "#olahraga", "#otomotif", "#gadget", "#resep", "#kerja", "#kuliah", "#hiburan",
)
EMOJI_SAD = ("😡", "😤", "😩", "🙄", "😭", "💢")
EMOJI_HAPPY = ("🔥", "👏", "❤️", "🇮🇩", "🙌", "😍", "🎉")


# --- the situations ----------------------------------------------------------------------------------------

COMPLAINTS = (
    {
        "subject": "pln", "hashtags": ("#PLNpadam", "#matilampu"), "mention": "@pln_123",
        "lines": (
            "Listrik PLN padam lagi dari pagi", "Sudah 5 jam mati lampu, PLN tidak ada kabar sama sekali",
            "PLN padam tanpa pemberitahuan, dagangan di kulkas rusak semua",
            "Tiap hujan sedikit listrik mati, PLN tolong diperbaiki", "Token sudah diisi tapi listrik tetap padam",
            "Pemadaman PLN bikin kerja dari rumah berantakan", "Lapor ke PLN dari kemarin belum ada petugas datang",
            "Mati listrik lagi di kompleks kami, PLN kapan beresnya", "Anak mau ujian, rumah gelap gulita gara-gara PLN",
            "Call center PLN susah dihubungi, listrik padam sejak subuh",
        ),
    },
    {
        "subject": "pdam", "hashtags": ("#PDAMmati", "#airmati"), "mention": "@pdam_kota",
        "lines": (
            "Air PDAM mati sudah tiga hari", "Air PDAM keruh dan bau, tidak bisa dipakai masak",
            "Bayar PDAM tiap bulan tapi air tidak mengalir", "PDAM mati lagi, warga terpaksa beli air galon",
            "Sudah lapor ke PDAM tapi belum ada tindakan", "Air PDAM cuma keluar tengah malam, itupun kecil",
            "Tagihan PDAM naik padahal airnya sering mati", "Kapan air PDAM normal lagi? Sudah seminggu begini",
        ),
    },
    {
        "subject": "krl", "hashtags": ("#KRLgangguan", "#commuterline"), "mention": "@commuterline",
        "lines": (
            "KRL gangguan lagi, penumpang menumpuk di stasiun", "Sudah sejam nunggu KRL tidak datang-datang",
            "KRL berhenti lama di tengah jalan tanpa informasi", "Telat kerja lagi gara-gara KRL gangguan",
            "Peron penuh sesak, jadwal KRL kacau pagi ini", "Informasi gangguan KRL tidak jelas, penumpang bingung",
            "AC KRL mati dan kereta penuh, parah", "Tiap Senin KRL selalu bermasalah",
        ),
    },
    {
        "subject": "bpjs", "hashtags": ("#BPJSribet", "#antreanBPJS"), "mention": "@bpjskesehatanri",
        "lines": (
            "Antrean BPJS Kesehatan dari subuh belum dipanggil", "Pasien BPJS ditolak rumah sakit, kamar katanya penuh",
            "Aplikasi BPJS error terus, tidak bisa daftar online", "Obat pasien BPJS kosong terus di apotek rumah sakit",
            "Klaim BPJS dipersulit, bolak-balik urus berkas", "Pelayanan BPJS lambat sekali, orang sakit disuruh menunggu",
            "Iuran BPJS naik tapi pelayanannya makin buruk", "Rujukan BPJS ribet, ibu saya harus antre tiga kali",
        ),
    },
)

WAVES = (
    {
        "subject": "timnas", "hashtags": ("#TimnasDay", "#GarudaMendunia"),
        "lines": (
            "Timnas Indonesia menang! Bangga sekali", "Gol tadi malam indah banget, Timnas luar biasa",
            "Akhirnya Timnas lolos, terima kasih para pemain", "Merinding lihat suporter Timnas nyanyi bersama",
            "Permainan Timnas makin rapi, pelatihnya hebat", "Selamat Timnas Indonesia, kalian membanggakan",
            "Nonton bareng Timnas di alun-alun seru sekali", "Kiper Timnas tampil gemilang malam ini",
        ),
    },
    {
        "subject": "batik", "hashtags": ("#HariBatikNasional", "#BanggaBerbatik"),
        "lines": (
            "Hari ini kantor kompak pakai batik, cantik semua", "Bangga dengan batik Indonesia, warisan dunia",
            "Motif batik Pekalongan ini indah sekali", "Belajar membatik bersama anak-anak, seru",
            "Batik bukan cuma kain, tapi cerita leluhur kita", "Pameran batik di mal ramai dan keren",
        ),
    },
)

PUSHES = (
    {
        "hashtag": "#DukungMakanGratis", "sentiment": "positive",
        "text": "Program makan siang gratis sangat membantu rakyat kecil, kami dukung penuh sampai tuntas!",
    },
    {
        "hashtag": "#TolakRevisiUUPenyiaran", "sentiment": "negative",
        "text": "Revisi undang-undang penyiaran ini membungkam suara rakyat dan merugikan kita semua, tolak!",
    },
    {
        "hashtag": "#BupatiTerbaik", "sentiment": "positive",
        "text": "Bupati kita memang terbaik, jalan desa mulus dan pelayanan publik makin cepat berkat beliau",
    },
)

HOAX_PREFIXES = (
    "", "", "", "Beredar di grup WA: ", "Info dari grup sebelah, ", "Benarkah? ", "Hati-hati! ", "Waduh, ",
    "Copas: ", "Serius ini? ", "Baru baca: ", "Tolong dicek ya, ", "Jangan sampai kena keluarga kita. ",
)
HOAX_SUFFIXES = (
    "", "", "", " Sebarkan!", " 😱", " 😡", " Mohon dicek kebenarannya.", " Share ke keluarga!", " Ngeri...",
    " 🙏", " Semoga bukan hoaks.", " Bener gak sih?",
)


# --- building blocks -----------------------------------------------------------------------------------------

def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Author:
    id: str
    handle: str
    followers: int
    verified: bool
    created_at: datetime

    def as_dict(self) -> dict:
        return {"id": self.id, "handle": self.handle, "followers": self.followers, "verified": self.verified,
                "created_at": _iso(self.created_at)}


class Authors:
    """Account factory: organic accounts (years old, audiences from dozens to hundreds of thousands) and fresh
    ones (days old, almost no followers)."""

    def __init__(self, rng: random.Random, start: datetime, tag: str) -> None:
        self.rng = rng
        self.start = start
        self.tag = tag
        self.count = 0
        self.pool: list[Author] = []

    def _handle(self, fresh: bool) -> str:
        rng = self.rng
        name = rng.choice(FIRST_NAMES)
        if fresh:
            return f"{name}{rng.choice(('', '_', '.'))}{rng.randrange(1000, 99999)}"
        other = rng.choice(FIRST_NAMES) if rng.random() < 0.4 else ""
        return f"{name}{other}{rng.choice(HANDLE_TAILS)}"[:30]

    def organic(self) -> Author:
        rng = self.rng
        self.count += 1
        followers = int(min(2_000_000, math.exp(rng.gauss(5.6, 1.6))))
        age_days = rng.uniform(200, 4500)
        return Author(f"u-{self.tag}-{self.count:05d}", self._handle(False), followers,
                      followers > 100_000 and rng.random() < 0.5, self.start - timedelta(days=age_days))

    def fresh(self) -> Author:
        rng = self.rng
        self.count += 1
        return Author(f"u-{self.tag}-{self.count:05d}", self._handle(True), rng.randrange(0, 60), False,
                      self.start - timedelta(days=rng.uniform(0.5, 14)))

    def from_pool(self, size: int) -> Author:
        """An organic author from a pool of ``size`` accounts (so busy accounts post more than once)."""
        if len(self.pool) < size and (not self.pool or self.rng.random() < 0.85):
            author = self.organic()
            self.pool.append(author)
            return author
        return self.rng.choice(self.pool)


@dataclass
class Stream:
    """Posts being assembled for one scenario."""

    name: str
    seed: int
    start: datetime
    rng: random.Random
    posts: list[dict] = field(default_factory=list)

    def post(self, *, segment: str, at: datetime, author: Author, text: str, truth: dict,
             platform: str | None = None, shared_from: dict | None = None) -> dict:
        rng = self.rng
        platform = platform or rng.choices(list(PLATFORM_WEIGHTS), weights=list(PLATFORM_WEIGHTS.values()))[0]
        number = f"{len(self.posts):05d}"
        post_id = f"{self.name}-{self.seed}-{number}"
        f = max(author.followers, 1)
        likes = int(f * rng.uniform(0.0005, 0.03) * (3 if segment != "background" else 1))
        shares = int(likes * rng.uniform(0.02, 0.3))
        engagement = {"likes": likes, "shares": shares, "replies": int(likes * rng.uniform(0.01, 0.2))}
        if platform in ("tiktok", "youtube", "instagram", "twitter"):
            engagement["views"] = int(f * rng.uniform(0.3, 4.0)) + rng.randrange(0, 200)
        post = {
            "id": post_id,
            "platform": platform,
            "text": text,
            "created_at": _iso(at),
            "author": author.as_dict(),
            "url": _url(platform, author.handle, post_id, rng),
            "lang": "id",
            "region": rng.choice(REGIONS),
            "engagement": engagement,
            "scenario": {"name": self.name, "segment": segment, **truth},
        }
        if shared_from is not None:
            post["shared_from"] = shared_from["id"]
        self.posts.append(post)
        return post

    def finish(self) -> list[dict]:
        return sorted(self.posts, key=lambda p: (p["created_at"], p["id"]))


def _url(platform: str, handle: str, post_id: str, rng: random.Random) -> str:
    code = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(11))
    number = rng.randrange(10**17, 10**18)
    return {
        "twitter": f"https://x.com/{handle}/status/{number}",
        "facebook": f"https://www.facebook.com/{handle}/posts/{number}",
        "instagram": f"https://www.instagram.com/p/{code}/",
        "tiktok": f"https://www.tiktok.com/@{handle}/video/{number}",
        "youtube": f"https://www.youtube.com/watch?v={code}",
        "news": f"https://berita.example.id/{post_id}",
    }.get(platform, f"https://example.id/{post_id}")


def arrivals(rng: random.Random, start: datetime, minutes: float, rate: Callable[[float], float]) -> list[datetime]:
    """Poisson arrivals over ``minutes`` with a time-varying ``rate(minute) -> posts per minute``."""
    times = []
    whole = int(math.ceil(minutes))
    for i in range(whole):
        span = min(1.0, minutes - i)
        expected = max(0.0, rate(i + span / 2)) * span
        for _ in range(_poisson(rng, expected)):
            times.append(start + timedelta(seconds=60 * (i + rng.random() * span)))
    return sorted(times)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def burst_rate(peak: float, ramp: float, hold: float, decay: float) -> Callable[[float], float]:
    """From nothing to ``peak`` posts/min over ``ramp`` minutes (smooth S-curve), ``hold`` minutes at the peak,
    then an exponential-ish decay over ``decay`` minutes."""
    def rate(t: float) -> float:
        if t < ramp:
            x = t / ramp
            return peak * x * x * (3 - 2 * x)
        if t < ramp + hold:
            return peak
        return peak * math.exp(-3 * (t - ramp - hold) / max(decay, 1e-6))
    return rate


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] if text else text


def _maybe_reshare(stream: Stream, segment_posts: list[dict], at: datetime, authors: Authors,
                   probability: float, segment: str, fresh: bool = False) -> bool:
    rng = stream.rng
    if not segment_posts or rng.random() >= probability:
        return False
    original = rng.choice(segment_posts[-40:])
    author = authors.fresh() if fresh else authors.from_pool(400)
    text = f"RT @{original['author']['handle']}: {original['text']}"
    truth = {k: v for k, v in original["scenario"].items() if k not in ("name", "segment")}
    post = stream.post(segment=segment, at=at, author=author, text=text[:1000], truth=truth,
                       platform=original["platform"], shared_from=original)
    segment_posts.append(post)
    return True


# --- segments --------------------------------------------------------------------------------------------

def background(stream: Stream, start: datetime, minutes: float, rate: float = 6.0) -> list[dict]:
    """Ordinary chatter: reviews, comments, opinions on many subjects (SmSA and NusaX sentences)."""
    rng = stream.rng
    authors = Authors(rng, stream.start, f"bg{int(start.timestamp()) % 100000}")
    texts = corpus.sentiment_texts()
    posts: list[dict] = []
    for at in arrivals(rng, start, minutes, lambda t: rate):
        if _maybe_reshare(stream, posts, at, authors, 0.05, "background"):
            continue
        item = texts[rng.randrange(len(texts))]
        text = _sentence(item.text) if rng.random() < 0.6 else item.text
        if rng.random() < 0.1:
            text = f"{text} {rng.choice(BACKGROUND_TAGS)}"
        if rng.random() < 0.08:
            text = f"{text} {rng.choice(EMOJI_HAPPY if item.label == 'positive' else EMOJI_SAD)}"
        posts.append(stream.post(segment="background", at=at, author=authors.from_pool(5000), text=text,
                                 truth={"sentiment": item.label, "hoax": False, "claim": None}))
    return posts


def _vary_hoax(rng: random.Random, text: str, claim: str) -> str:
    text = text.replace("http://url", rng.choice(("", "", f"https://bit.ly/{rng.randrange(10**5, 10**6)}")))
    text = text.replace("@user", rng.choice(("", "@" + rng.choice(FIRST_NAMES) + str(rng.randrange(100)))))
    words = text.split()
    if len(words) > 12 and rng.random() < 0.25:
        words = words[: rng.randrange(int(len(words) * 0.6), len(words))] + ["..."]
    if len(words) > 4 and rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = words[i].upper()
    text = " ".join(words)
    r = rng.random()
    if r < 0.15:
        text = f"{_sentence(claim)}? {text}"
    elif r < 0.25:
        text = f"{text} ({claim})"
    text = f"{rng.choice(HOAX_PREFIXES)}{text}{rng.choice(HOAX_SUFFIXES)}"
    return " ".join(text.split())


def hoax_burst(stream: Stream, start: datetime, *, claim: str | None = None, peak: float = 10.0,
               ramp: float = 6.0, hold: float = 10.0, decay: float = 6.0) -> list[dict]:
    """A known claim (from the tweet set's ``claim`` column) resurfacing: from nothing to ``peak`` posts/min,
    with varied texts from that claim's tweets, reshares, and a few debunking voices."""
    rng = stream.rng
    candidates = corpus.resurfacing_candidates()
    if claim is not None:
        chosen = next((c for c in corpus.claim_tweets() if c.claim.lower() == claim.lower()), None)
        if chosen is None:
            raise ValueError(f"no claim {claim!r} in the tweet set")
    else:
        chosen = candidates[rng.randrange(len(candidates))]
    authors = Authors(rng, stream.start, "hx")
    posts: list[dict] = []
    truth = {"hoax": True, "claim": chosen.claim, "claim_id": slug(chosen.claim), "topic": chosen.topic}
    for at in arrivals(rng, start, ramp + hold + decay, burst_rate(peak, ramp, hold, decay)):
        if _maybe_reshare(stream, posts, at, authors, 0.2, "hoax-burst"):
            continue
        debunk = chosen.valid and rng.random() < 0.12
        source = rng.choice(chosen.valid if debunk else chosen.hoax)
        text = _vary_hoax(rng, source, chosen.claim)
        author = authors.fresh() if rng.random() < 0.15 else authors.from_pool(600)
        sentiment = "neutral" if debunk else rng.choice(("negative", "negative", "neutral"))
        posts.append(stream.post(segment="hoax-burst", at=at, author=author, text=text,
                                 truth={**truth, "hoax": not debunk, "sentiment": sentiment}))
    return posts


def negative_surge(stream: Stream, start: datetime, *, subject: str | None = None, peak: float = 10.0,
                   ramp: float = 6.0, hold: float = 10.0, decay: float = 6.0, hashtags: bool = True) -> list[dict]:
    """Complaints about one public service piling up: from nothing to ``peak`` posts/min."""
    rng = stream.rng
    spec = next((c for c in COMPLAINTS if c["subject"] == subject), None) if subject else rng.choice(COMPLAINTS)
    if spec is None:
        raise ValueError(f"unknown complaint subject {subject!r}; known: {[c['subject'] for c in COMPLAINTS]}")
    tails = corpus.generic_complaints()
    authors = Authors(rng, stream.start, "ng")
    posts: list[dict] = []
    main_tag = spec["hashtags"][0]
    for at in arrivals(rng, start, ramp + hold + decay, burst_rate(peak, ramp, hold, decay)):
        if _maybe_reshare(stream, posts, at, authors, 0.12, "negative-surge"):
            continue
        parts = [rng.choice(spec["lines"])]
        if rng.random() < 0.4:
            parts.append(_sentence(rng.choice(tails)))
        text = ". ".join(p.rstrip(".") for p in parts) + rng.choice((".", "!", "!!", "", "..."))
        if rng.random() < 0.25:
            text = f"{spec['mention']} {text}"
        if hashtags and rng.random() < 0.75:
            text = f"{text} {main_tag}"
            if rng.random() < 0.3:
                text = f"{text} {spec['hashtags'][1]}"
        if rng.random() < 0.25:
            text = f"{text} {rng.choice(EMOJI_SAD)}"
        posts.append(stream.post(segment="negative-surge", at=at, author=authors.from_pool(800), text=text,
                                 truth={"sentiment": "negative", "hoax": False, "claim": None,
                                        "subject": spec["subject"]}))
    _mostly_from_one_province(posts, random.Random(f"{stream.seed}-{spec['subject']}"))
    return posts


def _mostly_from_one_province(posts: list[dict], rng: random.Random, share: float = 0.8) -> None:
    """A local service's complaints come mostly from one province. ``rng`` is not the stream's: the posts'
    other content stays what the stream's draws made it."""
    home = rng.choice(REGIONS)
    for post in posts:
        if rng.random() < share:
            post["region"] = home


def positive_viral(stream: Stream, start: datetime, *, subject: str | None = None, peak: float = 20.0,
                   ramp: float = 8.0, hold: float = 12.0, decay: float = 8.0) -> list[dict]:
    """A big, happy wave (a national team win, batik day): many accounts, many reshares, large audiences."""
    rng = stream.rng
    spec = next((c for c in WAVES if c["subject"] == subject), None) if subject else rng.choice(WAVES)
    if spec is None:
        raise ValueError(f"unknown wave subject {subject!r}; known: {[c['subject'] for c in WAVES]}")
    tails = corpus.generic_praise()
    authors = Authors(rng, stream.start, "pv")
    posts: list[dict] = []
    for at in arrivals(rng, start, ramp + hold + decay, burst_rate(peak, ramp, hold, decay)):
        if _maybe_reshare(stream, posts, at, authors, 0.3, "positive-viral"):
            continue
        parts = [rng.choice(spec["lines"])]
        if rng.random() < 0.35:
            parts.append(_sentence(rng.choice(tails)))
        text = ". ".join(p.rstrip(".!") for p in parts) + rng.choice(("!", "!!", ".", ""))
        if rng.random() < 0.7:
            text = f"{text} {rng.choice(spec['hashtags'])}"
        if rng.random() < 0.4:
            text = f"{text} {' '.join(rng.sample(EMOJI_HAPPY, rng.randrange(1, 3)))}"
        posts.append(stream.post(segment="positive-viral", at=at, author=authors.from_pool(2000), text=text,
                                 truth={"sentiment": "positive", "hoax": False, "claim": None,
                                        "subject": spec["subject"]}))
    return posts


def coordinated_push(stream: Stream, start: datetime, *, accounts: int = 35, seconds: float = 110.0,
                     template: int | None = None) -> list[dict]:
    """``accounts`` fresh, tiny accounts posting near-identical text within ``seconds``, then a few organic
    reactions."""
    rng = stream.rng
    spec = PUSHES[template % len(PUSHES)] if template is not None else rng.choice(PUSHES)
    authors = Authors(rng, stream.start, "cp")
    posts: list[dict] = []
    truth = {"sentiment": spec["sentiment"], "hoax": False, "claim": None, "coordinated": True,
             "hashtag": spec["hashtag"]}
    for _ in range(accounts):
        at = start + timedelta(seconds=rng.uniform(0, seconds))
        text = spec["text"]
        r = rng.random()
        if r < 0.2:
            text = text.rstrip("!") + "!!"
        elif r < 0.35:
            text = text.lower()
        if rng.random() < 0.3:
            text = f"{rng.choice(('Setuju!', 'Betul.', 'Mantap.', 'Ayo!'))} {text}"
        text = f"{text} {spec['hashtag']}"
        if rng.random() < 0.4:
            text = f"{text} {rng.choice(EMOJI_HAPPY)}"
        if rng.random() < 0.2:
            text = f"@{rng.choice(FIRST_NAMES)}{rng.randrange(100)} {text}"
        author = authors.fresh()
        posts.append(stream.post(segment="coordinated-push", at=at, author=author, text=text,
                                 truth={**truth, "account": author.id}, platform="twitter"))
    return posts


# --- scenarios -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioSpec:
    name: str
    description: str
    minutes: float
    build: Callable[[Stream, datetime], None]


def _one_situation(situation: Callable[..., list[dict]], minutes: float) -> Callable[..., None]:
    """A scenario of `minutes` of background chatter with `situation` starting at minute 10."""

    def build(stream: Stream, start: datetime, **options) -> None:
        background(stream, start, minutes, options.pop("background_rate", 6.0))
        situation(stream, start + timedelta(minutes=10), **options)

    return build


def _background(stream: Stream, start: datetime, **options) -> None:
    background(stream, start, options.get("minutes", 70), options.get("background_rate", 6.0))


def _demo(stream: Stream, start: datetime, **options) -> None:
    background(stream, start, 50, options.get("background_rate", 5.0))
    hoax_burst(stream, start + timedelta(minutes=3), ramp=4, hold=6, decay=4)
    negative_surge(stream, start + timedelta(minutes=10), ramp=4, hold=6, decay=4)
    coordinated_push(stream, start + timedelta(minutes=18))
    positive_viral(stream, start + timedelta(minutes=24), ramp=5, hold=6, decay=4)


SCENARIOS: dict[str, ScenarioSpec] = {
    spec.name: spec
    for spec in (
        ScenarioSpec("hoax-burst", "a known debunked claim resurfaces over background chatter: from nothing to "
                     "~10 posts/min in 6 minutes, varied texts from that claim's tweets, reshares", 40,
                     _one_situation(hoax_burst, 40)),
        ScenarioSpec("negative-surge", "complaints about one public service (power cuts, water, trains, health "
                     "insurance) surge to ~10 posts/min over background chatter", 40, _one_situation(negative_surge, 40)),
        ScenarioSpec("coordinated-push", "35 fresh, tiny accounts post near-identical text within 2 minutes over "
                     "background chatter", 30, _one_situation(coordinated_push, 30)),
        ScenarioSpec("positive-viral", "a big positive wave (~20 posts/min, many reshares) over background "
                     "chatter", 45, _one_situation(positive_viral, 45)),
        ScenarioSpec("background", "70 minutes of ordinary chatter (~6 posts/min on many subjects)", 70,
                     _background),
        ScenarioSpec("demo", "all of the above over 50 minutes of background, compressed: a hoax burst at "
                     "minute 3, a negative surge at 10, a coordinated push at 18, a positive wave at 24", 50, _demo),
    )
}


def list_scenarios() -> list[str]:
    return list(SCENARIOS)


def describe_scenarios() -> dict[str, str]:
    return {name: spec.description for name, spec in SCENARIOS.items()}


def build_scenario(name: str, seed: int = 0, start: datetime | None = None, **options) -> list[dict]:
    """The posts of scenario ``name`` (see :func:`list_scenarios`), sorted by ``created_at``.

    ``options`` vary the situation (e.g. ``peak=15``, ``claim="Vaksin penyebab autis"``, ``subject="krl"``,
    ``hashtags=False``, ``accounts=50``, ``background_rate=10``), for testing detectors on variations.
    """
    spec = SCENARIOS.get(name)
    if spec is None:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    start = start or DEFAULT_START
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    stream = Stream(name=name, seed=seed, start=start, rng=random.Random(f"sigap:{name}:{seed}"))
    spec.build(stream, start, **options)
    return stream.finish()


def scenario_minutes(name: str) -> float:
    return SCENARIOS[name].minutes
