"""Where an issue's posts come from: provinces by ISO 3166-2 code, and the spread an escalation carries."""

from __future__ import annotations

import pytest

from streams.issues.places import OTHER, PROVINCES, concentrated_in, merged, province_code
from tests.issues.helpers import run_engines
from tests.issues.test_engine import hoax_burst


@pytest.mark.parametrize(("region", "code"), [
    ("ID-JT", "ID-JT"), ("id-jt", "ID-JT"), (" ID-JK ", "ID-JK"), ("ID-JT-33", "ID-JT"),
    ("MY-01", OTHER), ("Jawa Tengah", OTHER), ("ID-XX", OTHER), ("", None), (None, None), (7, None),
    # a code that only starts like a province's is not that province (ID-JATENG counted as Jambi, ID-SULSEL as
    # North Sumatra: their posts were routed to the wrong humas)
    ("ID-JATENG", OTHER), ("ID-JABAR", OTHER), ("ID-SULSEL", OTHER), ("ID-Banten", OTHER), ("ID-JAKARTA", OTHER),
])
def test_a_region_counts_for_its_province_or_as_other(region, code):
    assert province_code(region) == code


def test_every_province_of_indonesia_is_known_once():
    assert len(PROVINCES) == 38
    assert len(set(PROVINCES.values())) == 38


def test_counts_merge_largest_first_and_ties_by_key():
    assert list(merged([{"ID-JK": 1, "ID-JT": 2}, {"ID-BA": 2, "ID-JK": 1}]).items()) == [
        ("ID-BA", 2), ("ID-JK", 2), ("ID-JT", 2)]
    assert merged([{"ID-JK": 1, "ID-JT": 3}, {"ID-JK": 1}]) == {"ID-JT": 3, "ID-JK": 2}
    assert list(merged([{"b": 2, "a": 2, "c": 5}])) == ["c", "a", "b"]


def test_an_escalation_shows_where_its_window_posts_come_from():
    posts = hoax_burst()
    for i, post in enumerate(posts):
        post["platform"] = "tiktok" if i % 4 == 0 else "facebook"
        if i % 5 == 0:
            post["region"] = "ID-JK"
        elif i % 5 != 1:  # one post in five names no region
            post["region"] = "id-jt"
    first_run, _ = run_engines(posts)
    again = [dict(p) for p in posts] + posts  # every post delivered twice
    second_run, _ = run_engines(again)
    assert [e for _, e in first_run] == [e for _, e in second_run]  # redelivery counts nowhere twice
    for _, event in first_run:
        data = event["data"]
        platforms, regions = data["spread"]["platforms"], data["spread"]["regions"]
        assert set(platforms) == {"facebook", "tiktok"} and sum(platforms.values()) == data["metrics"]["window_posts"]
        assert platforms["facebook"] > platforms["tiktok"]
        assert list(regions) == ["ID-JT", "ID-JK"]  # largest first
        assert regions["ID-JT"] > regions["ID-JK"] and sum(regions.values()) < data["metrics"]["window_posts"]


@pytest.mark.parametrize(("regions", "named"), [
    ({"ID-JB": 10, "ID-JK": 2}, "Jawa Barat (10 dari 12)"),
    ({"ID-JB": 5, "other": 5}, "Jawa Barat (5 dari 10)"),      # half is enough
    ({"ID-JB": 4, "ID-JK": 4, "ID-BA": 4}, None),               # spread out
    ({"other": 9, "ID-JB": 1}, None),                           # mostly from outside Indonesia's provinces
    ({"ID-JB": 2}, None),                                       # too few posts to say
    ({}, None),
])
def test_an_issue_is_said_to_be_concentrated_when_one_province_has_half_its_posts(regions, named):
    assert concentrated_in(regions) == named
