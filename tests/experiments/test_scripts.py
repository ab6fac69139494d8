"""The experiment scripts behind figures in docs/models.md stay runnable (their full runs take minutes)."""

from __future__ import annotations

import re

import pytest

from experiments import hoax_post_news_rows, sentiment_negation_variants
from experiments.sentiment_negation_variants import without_negated


def test_masking_removes_the_words_a_negator_governs_and_keeps_the_rest() -> None:
    assert without_negated("air pdam sudah tidak keruh lagi", 3) == "air pdam sudah tidak"
    assert without_negated("tidak mahal tapi enak sekali", 3) == "tidak tapi enak sekali"  # a contrast ends it
    assert without_negated("jalan tidak rusak dan tidak macet lagi hari ini", 1) == "jalan tidak dan tidak lagi hari ini"
    assert without_negated("pelayanan cepat dan ramah", 3) == "pelayanan cepat dan ramah"


@pytest.mark.parametrize("script", [sentiment_negation_variants, hoax_post_news_rows])
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
