"""Public-service posts with a negation, composed (seeded) from phrases written by the Sigap team.

SmSA and NusaX are mostly reviews: relief said by negating a complaint ("Air PDAM sudah tidak keruh lagi") and a
complaint said by negating what a service should do ("Laporan kami tidak ditanggapi") are rare in them, and the
sentiment model read both as complaints. ``service_posts`` composes such posts for the three labels from the same
subjects and frames, so that only the negated word's polarity tells the label apart: "sudah tidak keruh lagi"
(positive) / "sudah tidak jernih lagi" (negative), "tanpa pungli" / "tanpa kejelasan", "tidak pernah telat" / "tidak
pernah tepat waktu". Some rows state the praise or the complaint plainly ("air PDAM sudah jernih"), or a praise word
would become a complaint cue only because complaints negate it. Neutral notices carry a negator too ("tidak buka
pada hari Minggu"). ``sigap train`` adds them to the sentiment training rows at a low weight (``TrainConfig``).
"""

from __future__ import annotations

import random
import string

# subject -> (states a complaint names, states a satisfied user names)
SUBJECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "air PDAM": (("keruh", "bau kaporit", "mati", "kecil", "berwarna cokelat"), ("jernih", "lancar", "mengalir", "bersih")),
    "aliran air di rumah": (("mampet", "mati", "keruh"), ("lancar", "mengalir", "deras")),
    "listrik": (("padam", "byarpet", "mati-mati", "naik turun"), ("stabil", "menyala", "normal")),
    "lampu jalan": (("mati", "redup", "berkedip"), ("menyala", "terang", "berfungsi")),
    "jalan kampung": (("berlubang", "becek", "rusak", "licin", "gelap"), ("mulus", "rata", "terang", "layak")),
    "jalan raya": (("macet", "rusak", "tergenang", "semrawut"), ("lancar", "mulus", "tertib", "aman")),
    "jembatan": (("reyot", "goyang", "rawan", "putus"), ("kokoh", "aman", "layak")),
    "antrean di loket": (("panjang", "lama", "mengular", "berdesakan"), ("tertib", "cepat", "singkat", "teratur")),
    "pelayanan kelurahan": (("ribet", "lambat", "berbelit-belit", "mengecewakan"), ("cepat", "jelas", "memuaskan", "ramah")),
    "pelayanan puskesmas": (("lambat", "lama", "mengecewakan", "asal-asalan"), ("ramah", "cepat", "memuaskan", "cekatan")),
    "petugas loket": (("galak", "jutek", "cuek", "kasar", "judes"), ("ramah", "sopan", "sabar", "membantu")),
    "perawatnya": (("judes", "galak", "kasar", "cuek"), ("ramah", "sabar", "sigap", "telaten")),
    "pengurusan KTP": (("ribet", "lama", "berbelit-belit", "mahal"), ("cepat", "gratis", "mudah", "jelas")),
    "bikin SIM": (("ribet", "lama", "mahal"), ("cepat", "mudah", "transparan")),
    "bus kota": (("telat", "penuh sesak", "kotor", "ngetem lama"), ("tepat waktu", "nyaman", "bersih", "teratur")),
    "kereta komuter": (("telat", "berdesakan", "gangguan", "penuh sesak"), ("tepat waktu", "nyaman", "teratur", "lega")),
    "harga beras": (("mahal", "naik", "melambung"), ("terjangkau", "stabil", "murah")),
    "minyak goreng": (("langka", "mahal", "kosong"), ("terjangkau", "tersedia", "murah")),
    "harga cabai": (("mahal", "melonjak", "naik"), ("terjangkau", "stabil", "wajar")),
    "sinyal internet": (("lemot", "hilang", "putus-putus", "lelet"), ("kencang", "stabil", "lancar")),
    "sampah di pasar": (("menumpuk", "bau", "berserakan"), ("diangkut", "bersih", "tertata")),
    "truk sampah": (("telat", "jarang datang", "lewat seminggu"), ("datang", "rutin", "tepat waktu")),
    "selokan depan rumah": (("mampet", "bau", "meluap"), ("lancar", "bersih", "mengalir")),
    "rumah warga": (("terendam", "kebanjiran", "tergenang"), ("aman", "kering", "layak huni")),
    "sekolah anak kami": (("kebanjiran", "bocor", "rusak"), ("layak", "aman", "nyaman")),
    "taman kota": (("kumuh", "gelap", "kotor", "rawan"), ("bersih", "terawat", "nyaman", "aman")),
    "pasar tradisional": (("becek", "kumuh", "bau", "semrawut"), ("bersih", "rapi", "nyaman", "tertata")),
    "pencairan bansos": (("telat", "dipotong", "ribet"), ("tepat waktu", "utuh", "lancar", "tepat sasaran")),
    "klaim BPJS": (("ditolak", "lama", "ribet", "dipersulit"), ("cepat", "lancar", "mudah", "diproses")),
    "aplikasi pendaftaran": (("error", "lemot", "sering down"), ("lancar", "mudah", "berfungsi")),
}
COMPLAINT_NOUNS = ("pungli", "calo", "antre lama", "biaya tambahan", "uang pelicin", "ribet", "drama", "berkas berulang")
PRAISE_NOUNS = ("pemberitahuan", "kejelasan", "solusi", "tindak lanjut", "penjelasan", "kepastian", "permintaan maaf")
EXPECTED = (  # what a service should do, negated: a complaint
    ("laporan kami", ("ditanggapi", "ditindaklanjuti", "dibalas")), ("jalan yang rusak", ("diperbaiki", "ditambal")),
    ("bantuan untuk korban", ("sampai", "disalurkan", "merata")), ("sampah di gang kami", ("diangkut", "diambil")),
    ("pengaduan warga", ("direspons", "digubris", "dibalas")), ("gaji honorer", ("dibayar", "cair")),
    ("lampu merah di perempatan", ("diperbaiki", "berfungsi")), ("pompa air", ("dinyalakan", "berfungsi")),
    ("pipa yang bocor", ("diperbaiki", "diganti")), ("data penerima bansos", ("diperbarui", "transparan")),
)
HASSLES = (  # a chore a good service spares its users
    "antre dari subuh", "bolak-balik ke kantor", "bayar calo", "menunggu berjam-jam", "fotokopi berkas berkali-kali",
    "datang dua kali", "bawa map tebal", "keluar uang tambahan",
)
NEGATORS = (("tidak", 6), ("gak", 3), ("nggak", 2), ("ga", 2), ("tak", 1), ("enggak", 1))
ALREADY = ("sudah", "udah", "sekarang", "kini", "")
WHEN = ("hari ini", "pagi ini", "tadi siang", "minggu ini", "sejak kemarin", "akhir-akhir ini", "")
DURATION = ("tiga hari", "seminggu", "dua minggu", "sebulan", "dua bulan", "berbulan-bulan")
PLACES = (
    "Bekasi", "Depok", "Bogor", "Tangerang", "Bandung", "Cimahi", "Solo", "Klaten", "Magelang", "Kediri", "Malang",
    "Jember", "Medan", "Binjai", "Palembang", "Jambi", "Pontianak", "Banjarmasin", "Makassar", "Kendari", "Mataram",
    "Kupang", "Ambon", "Jayapura", "Denpasar",
)
OFFICES = (
    "kantor kelurahan", "kantor kecamatan", "Disdukcapil", "kantor samsat", "puskesmas", "kantor pos", "loket PDAM",
    "kantor imigrasi", "mal pelayanan publik", "perpustakaan daerah", "kantor BPJS",
)
DAYS = ("hari Minggu", "hari Sabtu", "tanggal merah", "libur Lebaran", "cuti bersama", "hari Jumat siang")
DOCUMENTS = ("KK asli", "fotokopi KTP", "surat pengantar RT", "akta kelahiran", "pas foto", "bukti pembayaran")
PROGRAMS = ("vaksinasi booster", "PPDB", "pasar murah", "pendaftaran KIP", "seleksi CPNS", "mudik gratis", "posyandu")
NOTICES = (
    "{office} {place} {neg} buka pada {day}",
    "{office} {neg} melayani pembuatan dokumen selama {day}",
    "pendaftaran {program} belum dibuka, jadwalnya menyusul",
    "jadwal {program} di {place} belum diumumkan",
    "jangan lupa bawa {document} saat ke {office}",
    "{office} {place} buka {day} atau {neg}?",
    "apakah {program} tahun ini {neg} ada di {place}?",
    "{program} {neg} dipungut biaya, cukup bawa {document}",
    "kereta komuter {neg} berhenti di stasiun {place} selama perbaikan peron",
    "layanan daring {office} {neg} tersedia pada {day} karena pemeliharaan sistem",
    "warga yang belum terdata bisa mendaftar di {office}",
    "belum ada informasi resmi soal {program} di {place}",
    "{document} {neg} perlu dilegalisir untuk {program}",
    "mohon {neg} parkir di depan {office} selama renovasi",
    "peserta {program} {neg} perlu datang sebelum jam 8",
)
OPENERS = {
    "positive": ("alhamdulillah", "syukurlah", "akhirnya", "wah", "kabar baik,", "mantap,"),
    "negative": ("duh", "parah,", "kecewa,", "lagi-lagi", "tolong,", "capek,"),
    "neutral": ("info:", "pengumuman:", "sekadar info,", "halo,", "tanya dong,", "buat yang belum tahu,"),
}
CLOSERS = {
    "positive": ("terima kasih", "semoga bertahan", "salut", "👍", "🙏", "keren"),
    "negative": ("tolong ditindak", "mohon perhatiannya", "😡", "gimana sih", "sudah lapor tapi diam saja", "🙄"),
    "neutral": ("cek website resminya", "silakan dibagikan", "ℹ️", "terima kasih", "info lebih lanjut di kantor", ""),
}


def _neg(rng: random.Random) -> str:
    words, weights = zip(*NEGATORS)
    return rng.choices(words, weights)[0]


# Frames: each {field} is drawn in order of appearance; {bad} and {good} from the post's subject, {verb} from the
# {thing} drawn before it. A frame listed twice is drawn twice as often.
RELIEF_FRAMES = (
    "{subject} {already} {neg} {bad} lagi",
    "{subject} {neg} {bad} {when}",
    "{subject} {neg} pernah {bad} lagi sejak {duration} terakhir",
    "{subject} di {place} {already} {neg} {bad}",
    "{visit} {office} {place} tanpa {complaint_noun}",
    "{nowadays} {neg} perlu {hassle} lagi untuk urusan di {office}",
    # the plain praise too, so that a praise word is not a complaint cue just because complaints negate it
    "{subject} {already} {good} {when}",
    "{subject} {already} {good} {when}",
)
COMPLAINT_FRAMES = (
    "{subject} {already} {neg} {good} lagi",
    "{subject} {weak_neg} {good} {when}",
    "{subject} {neg} pernah {good} sejak {duration} terakhir",
    "{thing} {still_not} {verb} padahal sudah {duration}",
    "{thing} di {place} {not_yet} {verb} {when}",
    "{change} di {office} diubah tanpa {praise_noun}",
    "{still} harus {hassle} untuk urusan di {office}",
    # the plain complaint too, so that a complaint word is not a praise cue just because relief negates it
    "{subject} {worse} {bad} {when}",
    "{subject} {worse} {bad} {when}",
)
_CHOICES = {
    "already": ALREADY, "when": WHEN, "duration": DURATION, "place": PLACES, "office": OFFICES,
    "complaint_noun": COMPLAINT_NOUNS, "praise_noun": PRAISE_NOUNS, "hassle": HASSLES,
    "visit": ("urusan di", "layanan di", "datang ke"), "nowadays": ("sekarang", "kini", "untungnya"),
    "weak_neg": ("tidak", "kurang", "gak", "belum"), "still_not": ("belum juga", "tidak", "gak", "belum"),
    "not_yet": ("tidak", "belum", "nggak"), "change": ("jadwal", "tarif", "aturan", "prosedur", "syarat"),
    "still": ("masih", "tetap", "lagi-lagi"), "worse": ("masih", "makin", "kembali", ""),
}


def _compose(frames: tuple[str, ...], rng: random.Random) -> str:
    subject, (bad, good) = rng.choice(list(SUBJECTS.items()))
    verbs: tuple[str, ...] = ()
    values: dict[str, str] = {"subject": subject}
    frame = frames[rng.randrange(len(frames))]
    for _, field, _, _ in string.Formatter().parse(frame):
        if field is None or field in values:
            continue
        if field == "neg":
            values[field] = _neg(rng)
        elif field in ("bad", "good"):
            values[field] = rng.choice(bad if field == "bad" else good)
        elif field == "thing":
            values[field], verbs = rng.choice(EXPECTED)
        elif field == "verb":
            values[field] = rng.choice(verbs)
        else:
            values[field] = rng.choice(_CHOICES[field])
    return frame.format(**values)


def _notice(rng: random.Random) -> str:
    return rng.choice(NOTICES).format(
        office=rng.choice(OFFICES), place=rng.choice(PLACES), neg=_neg(rng), day=rng.choice(DAYS),
        program=rng.choice(PROGRAMS), document=rng.choice(DOCUMENTS),
    )


_COMPOSERS = {
    "positive": lambda rng: _compose(RELIEF_FRAMES, rng), "negative": lambda rng: _compose(COMPLAINT_FRAMES, rng),
    "neutral": _notice,
}


def service_posts(n_per_label: int, seed: int) -> list[tuple[str, str]]:
    """``n_per_label`` distinct (label, text) posts for each sentiment label, in a seeded order."""
    rng = random.Random(seed)
    posts: list[tuple[str, str]] = []
    for label, compose in _COMPOSERS.items():
        seen: set[str] = set()
        for _ in range(50 * n_per_label):
            if len(seen) == n_per_label:
                break
            text = " ".join(compose(rng).split())
            if rng.random() < 0.35:
                text = f"{rng.choice(OPENERS[label])} {text}"
            if rng.random() < 0.35:
                text = f"{text}, {rng.choice(CLOSERS[label])}".rstrip(", ")
            if rng.random() < 0.6:
                text = text[0].upper() + text[1:]
            if text not in seen:
                seen.add(text)
                posts.append((label, text))
    rng.shuffle(posts)
    return posts
