"""Phatic posts: greetings, wishes, thanks, congratulations, condolences, religious expressions and prayers
for people hit by a disaster, written by the Sigap team.

None of the shipped corpora has this kind of chit-chat: the relevance model learned "ordinary" from reviews and
comments only, so "Selamat pagi semua, semoga harimu menyenangkan" read as claim discussion and a morning's
greetings, or a wave of prayers for flood victims, escalated as a possible new hoax. ``phatic_posts`` composes
such posts from the phrases below (seeded)
as extra "ordinary" examples for the relevance model. ``PHATIC_EVALUATION`` is a separate list, worded apart from
these phrases, on which ``sigap train`` reports how many such posts are still labelled hoax.
"""

from __future__ import annotations

import random

GREETINGS = (
    "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "met pagi", "pagi", "halo", "hai",
    "assalamualaikum", "selamat beraktivitas", "selamat berakhir pekan", "selamat hari senin", "salam hangat",
)
ADDRESSES = (
    "semua", "semuanya", "kawan", "kawan-kawan", "teman-teman", "gaes", "sobat", "kak", "warganet", "pak", "bu",
    "mas", "mbak", "dulur", "sahabat",
)
WISHES = (
    "semoga sehat selalu", "semoga harimu menyenangkan", "semoga lancar", "semoga hari ini penuh berkah",
    "semoga sukses", "jangan lupa bahagia", "jangan lupa sarapan", "jangan lupa istirahat", "tetap semangat",
    "semangat kerjanya", "semangat senin", "hati-hati di jalan", "selamat istirahat", "mimpi indah",
    "tetap jaga kesehatan", "salam sehat", "sukses selalu", "semoga betah", "selamat menikmati akhir pekan",
    "semoga dimudahkan", "semoga cepat sembuh",
)
THANKS = (
    "terima kasih", "makasih banyak", "terima kasih atas bantuannya", "makasih ya", "matur nuwun", "hatur nuhun",
    "terima kasih sudah mampir",
)
OCCASIONS = (
    "selamat ulang tahun", "selamat hari raya idul fitri", "mohon maaf lahir dan batin", "selamat natal",
    "selamat tahun baru", "selamat hari ibu", "selamat wisuda", "selamat menempuh hidup baru", "turut berduka cita",
    "innalillahi wa innailaihi rojiun", "selamat hari guru", "dirgahayu republik indonesia",
    "selamat menunaikan ibadah puasa", "barakallah",
)
RELIGIOUS = (
    "alhamdulillah", "bismillah", "masya allah", "subhanallah", "astaghfirullah", "insya allah", "aamiin",
    "jangan lupa sholat", "jangan lupa bersyukur", "semoga dirahmati allah", "jazakallah khair",
    "amin ya rabbal alamin", "puji tuhan", "tuhan memberkati", "om swastiastu", "namo buddhaya",
    "semoga kita semua diberi hidayah", "ya allah berikan yang terbaik",
)
SOLIDARITY = (
    "doakan {who}", "doa terbaik untuk {who}", "semoga {who} diberi ketabahan", "semoga {who} diberi kekuatan",
    "turut prihatin untuk {who}", "pray for {who}", "semoga {who} segera pulih", "kuatkan {who}",
    "semoga {who} selamat", "tetap kuat {who}", "kami bersama {who}", "peluk jauh untuk {who}",
)
WHO = (
    "saudara kita yang terdampak", "para korban", "keluarga yang ditinggalkan", "para relawan", "warga {place}",
    "saudara-saudara di {place}", "{place}", "korban gempa {place}", "korban banjir {place}",
    "korban longsor {place}", "petugas di lapangan",
)
PLACES = (
    "Cianjur", "Palu", "Lombok", "Garut", "Bekasi", "Sumedang", "Aceh", "Padang", "Semarang", "Sukabumi",
    "Luwu", "Manado", "Sigi", "Lumajang", "Kudus",
)
CLOSINGS = ("🙏", "😊", "❤️", "🥰", "💪", "🤲", "!", "!!", "ya", "yaa")
_PARTS = (GREETINGS, WISHES, THANKS, OCCASIONS, RELIGIOUS, SOLIDARITY)

# Worded apart from the phrases above; evaluation only.
PHATIC_EVALUATION = (
    "Pagi-pagi sudah ngopi, selamat pagi dunia",
    "Alhamdulillah, terima kasih untuk semua doanya",
    "Met malming gaes, jangan begadang",
    "Selamat datang bulan Desember, semoga lebih baik",
    "Halo teman-teman, apa kabar hari ini?",
    "Selamat hari Jumat, semoga berkah untuk kita semua",
    "Good morning semuanya, semangat ya",
    "Sugeng enjing sedulur kabeh",
    "Terima kasih banyak untuk kadonya, sayang kalian",
    "Ucapan selamat atas kelahiran putra pertamanya",
    "Semoga lekas pulih, kami semua mendoakan",
    "Selamat siang, sudah makan belum?",
    "Malam minggu di rumah saja, selamat bersantai",
    "Happy birthday ya kak, panjang umur dan sehat selalu",
    "Selamat atas pelantikannya pak, semoga amanah",
    "Duka cita yang mendalam untuk keluarga yang ditinggalkan",
    "Selamat Idul Adha, mohon maaf atas segala kesalahan",
    "Semangat buat yang lagi ujian hari ini",
    "Hai semua, lama tidak menyapa di sini",
    "Makasih sudah menemani sampai akhir acara",
    "Selamat sore, jangan lupa minum air putih",
    "Semoga akhir pekanmu menyenangkan ya",
    "Salam kenal semuanya, aku anggota baru",
    "Selamat bertugas untuk para petugas hari ini",
    "Selamat tidur, sampai jumpa besok",
    "MasyaAllah indahnya langit sore ini",
    "Ya Rabb, mudahkanlah segala urusan kami",
    "Sudah waktunya berbuka, selamat berbuka puasa semuanya",
    "Semoga amal ibadah almarhum diterima di sisi-Nya",
    "Mari kita doakan korban banjir di Demak agar diberi ketabahan",
    "Ya Allah, lindungilah saudara-saudara kami di Demak",
    "Semoga banjir Demak segera surut dan warga diberi kekuatan",
    "Berdoa bersama untuk keselamatan para pendaki yang hilang",
    "Gereja kami mengadakan doa bersama untuk perdamaian",
    "Rahayu untuk semua umat, semoga damai di bumi",
)


def _fill(phrase: str, rng: random.Random) -> str:
    if "{who}" in phrase:
        phrase = phrase.replace("{who}", rng.choice(WHO))
    return phrase.replace("{place}", rng.choice(PLACES))


def phatic_posts(n: int, seed: int) -> list[str]:
    """``n`` chit-chat posts, each one to three phrases (greeting, wish, thanks, occasion, religious expression
    or prayer for people in trouble), maybe an address term and a closing, in varied case and punctuation."""
    rng = random.Random(seed)
    posts = []
    for _ in range(n):
        phrases = [_fill(rng.choice(rng.choice(_PARTS)), rng) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.5:
            phrases[0] = f"{phrases[0]} {rng.choice(ADDRESSES)}"
        text = rng.choice((", ", ". ", " ")).join(phrases)
        if rng.random() < 0.5:
            text = f"{text} {rng.choice(CLOSINGS)}"
        if rng.random() < 0.5:
            text = text[0].upper() + text[1:]
        posts.append(text)
    return posts
