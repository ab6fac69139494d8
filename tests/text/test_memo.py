"""BoundedMemo: a per-word step computed once per distinct word, within a bound."""

from __future__ import annotations

from streams.text.memo import BoundedMemo


def test_a_word_is_computed_once_and_the_memo_empties_when_full():
    calls: list[str] = []

    def upper(word: str) -> str:
        calls.append(word)
        return word.upper()

    memo = BoundedMemo(upper, limit=3)
    assert [memo(w) for w in ("a", "b", "a", "c", "b")] == ["A", "B", "A", "C", "B"]
    assert calls == ["a", "b", "c"]
    assert memo("d") == "D" and set(memo.values) == {"d"}  # the fourth word found the memo full
    assert memo.values.get("a") is None and memo("a") == "A" and calls[-1] == "a"


def test_long_keys_are_computed_every_time_and_never_kept():
    calls: list[str] = []
    memo = BoundedMemo(lambda word: calls.append(word) or len(word), max_key_chars=5)
    assert memo("abcdef") == 6 and memo("abcdef") == 6 and memo("abcde") == 5 and memo("abcde") == 5
    assert calls == ["abcdef", "abcdef", "abcde"] and memo.values == {"abcde": 5}


def test_values_the_step_says_not_to_keep_are_computed_every_time():
    calls: list[str] = []
    memo = BoundedMemo(lambda word: calls.append(word) or word.upper(), keep=lambda value: "X" not in value)
    assert [memo(w) for w in ("ax", "b", "ax", "b")] == ["AX", "B", "AX", "B"]
    assert calls == ["ax", "b", "ax"] and memo.values == {"b": "B"}
