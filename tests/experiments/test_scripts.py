"""The experiment scripts behind figures in docs/models.md stay runnable (their full runs take minutes)."""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest

from experiments import hoax_post_news_rows, learning_curves, sentiment_negation_variants
from experiments.sentiment_negation_variants import without_negated


def test_masking_removes_the_words_a_negator_governs_and_keeps_the_rest() -> None:
    assert without_negated("air pdam sudah tidak keruh lagi", 3) == "air pdam sudah tidak"
    assert without_negated("tidak mahal tapi enak sekali", 3) == "tidak tapi enak sekali"  # a contrast ends it
    assert without_negated("jalan tidak rusak dan tidak macet lagi hari ini", 1) == "jalan tidak dan tidak lagi hari ini"
    assert without_negated("pelayanan cepat dan ramah", 3) == "pelayanan cepat dan ramah"


@pytest.mark.parametrize("script", [sentiment_negation_variants, hoax_post_news_rows, learning_curves])
def test_the_scripts_parse_their_arguments(script, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        script.main(["--help"])
    assert done.value.code == 0
    assert "usage" in capsys.readouterr().out


def test_an_unknown_variant_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        sentiment_negation_variants.main(["--variants", "shipped,no_such_variant"])
    assert done.value.code == 2
    assert "no_such_variant" in capsys.readouterr().err


def test_the_masking_cost_is_measured_on_the_benchmark_posts(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        monkeypatch.setenv(var, "1")  # the benchmark module pins these on import; undone after the test
    sentiment_negation_variants.masking_cost(batches=1, batch_size=50)
    out = capsys.readouterr().out
    assert re.fullmatch(r"scoring [\d.]+ us/post; the masked transform of the \d+ % of posts with a negator would add "
                        r"[\d.]+ us/post\n", out), out


def test_learning_curves_refuse_unknown_tasks_and_fractions_outside_0_to_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        learning_curves.main(["--tasks", "tweets,claims"])
    assert done.value.code == 2
    assert "claims" in capsys.readouterr().err
    for bad in ("0,0.5", "0.5,1.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            learning_curves.fractions_arg(bad)
    assert learning_curves.fractions_arg("1,0.25") == [0.25, 1.0]


def test_a_drawn_fraction_of_topics_keeps_whole_topics_of_the_training_fold() -> None:
    groups = np.repeat(np.arange(10), 3)  # 10 topics of 3 tweets
    train = np.flatnonzero(groups < 8)  # topics 8 and 9 are held out
    drawn = learning_curves.drawn_topics(train, groups, 0.5, np.random.default_rng(0))
    topics = np.unique(groups[drawn])
    assert topics.size == 4 and set(topics.tolist()) <= set(range(8))
    assert drawn.size == 12  # every tweet of each drawn topic
    assert learning_curves.drawn_topics(train, groups, 0.01, np.random.default_rng(0)).size == 3  # at least one


def test_the_trend_extrapolates_the_last_doubling_of_the_data() -> None:
    fractions = [0.25, 0.5, 1.0]
    rising = [60.0, 68.0, 70.0]  # the steep start does not count: +2 points over the last doubling, 70 at 1x
    assert "+2.00 points per doubling" in learning_curves.trend(fractions, rising, 73.0)
    assert "~2.8x the data" in learning_curves.trend(fractions, rising, 73.0)  # 2 ** 1.5
    assert "already at 70.0" in learning_curves.trend(fractions, rising, 69.0)
    assert "never reached" in learning_curves.trend(fractions, [70.0, 69.0, 68.0], 73.0)
    # from 0.25 to 1 (0.75 is not at most half of 1): two doublings
    assert "-1.00 points" in learning_curves.trend([0.25, 0.75, 1.0], [70.0, 69.0, 68.0], 73.0)
    assert "no trend" in learning_curves.trend([0.75, 1.0], [70.0, 71.0], 73.0)
