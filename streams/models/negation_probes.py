"""Authored posts with a negation, for measuring how the sentiment model reads "tidak", "belum", "kurang"...

SmSA and NusaX are mostly reviews and comments; a humas team mostly reads posts about public services, where relief
is often said by negating a complaint ("Air PDAM sudah tidak keruh lagi") and a complaint by negating praise ("Harga
beras tidak terjangkau lagi"). ``NEGATION_EVALUATION`` holds 42 such posts written by the Sigap team: 15
positive (a complaint word negated), 15 negative (praise negated, or a complaint that contains a negator) and 12
neutral (plain information that happens to contain a negator). None of them trains a model; ``sigap train`` reports the
sentiment model's macro-F1 and right answers per label on them (docs/models.md, "Sentiment and negation").
"""

from __future__ import annotations

NEGATION_EVALUATION: tuple[tuple[str, str], ...] = (
    ("positive", "Pelayanan loket samsat pagi ini tidak mengecewakan sama sekali, petugasnya sigap"),
    ("positive", "Sejak pindah ke kantor baru, tidak ada masalah lagi dengan antrean, semua lancar"),
    ("positive", "Antrean di puskesmas tidak lama, petugasnya tidak galak"),
    ("positive", "Jalannya sudah tidak macet lagi sejak ada flyover"),
    ("positive", "Air PDAM sudah tidak keruh lagi, terima kasih"),
    ("positive", "Harga tiket kereta lokal tidak mahal dan gerbongnya tidak kotor"),
    ("positive", "Urus KTP sekarang gak ribet, gak pake lama"),
    ("positive", "Sama sekali tidak menyesal pindah ke kecamatan ini, warganya ramah dan jalannya mulus"),
    ("positive", "Bus TransJakarta pagi ini tidak telat, tidak penuh juga"),
    ("positive", "Tidak ada pungli waktu bikin SIM, prosesnya cepat"),
    ("positive", "Listrik di desa kami sudah tidak sering padam sejak gardu baru dipasang"),
    ("positive", "Petugas damkar datang tidak sampai 10 menit, salut"),
    ("positive", "Banjir tahun ini tidak separah tahun lalu, drainasenya bekerja"),
    ("positive", "Sinyal di sini gak lemot lagi, mantap"),
    ("positive", "Tidak sia-sia antre, obatnya lengkap dan gratis"),
    ("negative", "Pelayanan di kelurahan tidak ramah dan tidak profesional"),
    ("negative", "Programnya tidak bermanfaat sama sekali"),
    ("negative", "Kami tidak puas dengan penanganan keluhan di rumah sakit daerah"),
    ("negative", "Bantuan sosial tidak tepat sasaran, yang mampu malah dapat"),
    ("negative", "Jalan ini tidak pernah diperbaiki, sudah banyak yang jatuh"),
    ("negative", "Petugasnya gak sopan, ditanya malah membentak"),
    ("negative", "Sudah tiga hari air tidak mengalir, tolong diperhatikan"),
    ("negative", "Aplikasinya tidak bisa dibuka, antrean online jadi kacau"),
    ("negative", "Kebijakan ini tidak adil bagi pedagang kecil"),
    ("negative", "Gaji honorer belum dibayar tiga bulan, tidak manusiawi"),
    ("negative", "Pengaduan saya tidak ditanggapi sampai sekarang"),
    ("negative", "Harga beras tidak terjangkau lagi buat kami"),
    ("negative", "Lampu jalan tidak menyala, rawan begal di malam hari"),
    ("negative", "Respons petugas kurang cepat dan penjelasannya kurang memuaskan"),
    ("negative", "Sampah tidak diangkut seminggu, baunya sampai ke rumah"),
    ("neutral", "Kantor kecamatan tidak buka pada hari Minggu"),
    ("neutral", "Pendaftaran tidak dipungut biaya, syaratnya fotokopi KTP dan KK"),
    ("neutral", "Jadwal vaksinasi belum diumumkan oleh dinas kesehatan"),
    ("neutral", "Jalur ini tidak dilewati bus nomor 5"),
    ("neutral", "Saya belum tahu kapan pembagian sembako dimulai"),
    ("neutral", "Apakah pembuatan paspor tidak bisa diwakilkan?"),
    ("neutral", "Rapat warga tidak jadi hari ini, diundur ke Sabtu"),
    ("neutral", "Stasiun ini tidak melayani penjualan tiket jarak jauh"),
    ("neutral", "Kartu lama tidak perlu dibawa saat perpanjangan"),
    ("neutral", "Sekolah belum memulai pembelajaran tatap muka minggu ini"),
    ("neutral", "Bukan hari libur nasional, kantor tetap buka seperti biasa"),
    ("neutral", "Untuk pengambilan tidak harus datang sendiri, boleh diwakilkan dengan surat kuasa"),
)
