"""Where an issue's posts come from: their platform and, when the post says, their province.

A post's optional ``region`` is an ISO 3166-2 code. Indonesia's 38 provinces are kept by code (a code below a
province, such as ``ID-JT-33``, counts for its province); any other value counts as ``other``. The set is fixed,
so an issue's per-region counts stay bounded whatever producers send.
"""

from __future__ import annotations

PROVINCES = {
    "ID-AC": "Aceh", "ID-BA": "Bali", "ID-BB": "Kepulauan Bangka Belitung", "ID-BE": "Bengkulu",
    "ID-BT": "Banten", "ID-GO": "Gorontalo", "ID-JA": "Jambi", "ID-JB": "Jawa Barat", "ID-JI": "Jawa Timur",
    "ID-JK": "DKI Jakarta", "ID-JT": "Jawa Tengah", "ID-KB": "Kalimantan Barat", "ID-KI": "Kalimantan Timur",
    "ID-KR": "Kepulauan Riau", "ID-KS": "Kalimantan Selatan", "ID-KT": "Kalimantan Tengah",
    "ID-KU": "Kalimantan Utara", "ID-LA": "Lampung", "ID-MA": "Maluku", "ID-MU": "Maluku Utara",
    "ID-NB": "Nusa Tenggara Barat", "ID-NT": "Nusa Tenggara Timur", "ID-PA": "Papua", "ID-PB": "Papua Barat",
    "ID-PD": "Papua Barat Daya", "ID-PE": "Papua Pegunungan", "ID-PS": "Papua Selatan", "ID-PT": "Papua Tengah",
    "ID-RI": "Riau", "ID-SA": "Sulawesi Utara", "ID-SB": "Sumatera Barat", "ID-SG": "Sulawesi Tenggara",
    "ID-SN": "Sulawesi Selatan", "ID-SR": "Sulawesi Barat", "ID-SS": "Sumatera Selatan",
    "ID-ST": "Sulawesi Tengah", "ID-SU": "Sumatera Utara", "ID-YO": "DI Yogyakarta",
}
OTHER = "other"


def province_code(region: object) -> str | None:
    """The province a post's ``region`` names, ``other`` for any other value, None when the post has none."""
    if not isinstance(region, str) or not region.strip():
        return None
    code = region.strip().upper()
    province = code[:5]  # "ID-JB", or a finer code below it, "ID-JB-BDG"; "ID-JATENG" is not "ID-JA" (Jambi)
    return province if province in PROVINCES and code[5:6] in ("", "-") else OTHER


def count_into(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def merged(parts: list[dict[str, int]]) -> dict[str, int]:
    """Counts summed over parts, largest first (ties by key), as published."""
    total: dict[str, int] = {}
    for part in parts:
        for key, n in part.items():
            total[key] = total.get(key, 0) + n
    return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0])))


def concentrated_in(regions: dict[str, int], min_posts: int = 3, min_share: float = 0.5) -> str | None:
    """"<province> (n dari m)" when at least half of the posts that name a region, and at least ``min_posts``,
    come from one province; None for a spread-out or region-less issue."""
    named = sum(regions.values())
    provinces = [(n, code) for code, n in regions.items() if code != OTHER]
    if not provinces:
        return None
    n, code = max(provinces)
    if n < min_posts or n < min_share * named:
        return None
    return f"{PROVINCES[code]} ({n} dari {named})"
