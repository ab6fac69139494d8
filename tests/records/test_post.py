import orjson
import pytest

from streams.records.errors import InvalidInput, InvalidReason
from streams.records.post import parse_post

VALID = {
    "id": "x1", "platform": "twitter", "text": "Vaksin aman kok", "created_at": "2024-05-01T08:00:00+07:00",
    "author": {"id": "u1", "followers": 10, "verified": False}, "engagement": {"likes": 2}, "extra": [1, 2],
}


def raw(**changes) -> bytes:
    post = {**VALID, **changes}
    return orjson.dumps({k: v for k, v in post.items() if v is not ...})


def test_valid_post_passes_through_unchanged_with_unknown_fields():
    assert parse_post(raw()) == VALID


@pytest.mark.parametrize(
    ("payload", "reason", "where"),
    [
        (b"\xff\xfe", InvalidReason.NOT_UTF8, ""),
        (b"{not json", InvalidReason.INVALID_JSON, ""),
        (b"[1, 2]", InvalidReason.NOT_AN_OBJECT, ""),
        (raw(text=...), InvalidReason.MISSING_FIELD, "text"),
        (raw(author={"handle": "x"}), InvalidReason.MISSING_FIELD, "author.id"),
        (raw(text=""), InvalidReason.INVALID_FIELD, "text"),
        (raw(text="a" * 20_001), InvalidReason.INVALID_FIELD, "text"),
        (raw(id="i" * 257), InvalidReason.INVALID_FIELD, "id"),
        (raw(platform="myspace"), InvalidReason.INVALID_FIELD, "platform"),
        (raw(created_at="2024-05-01 08:00"), InvalidReason.INVALID_FIELD, "created_at"),
        (raw(created_at="2024-05-01T08:00:00"), InvalidReason.INVALID_FIELD, "created_at"),
        (raw(created_at=1714550400), InvalidReason.INVALID_FIELD, "created_at"),
        (raw(created_at="1970-01-01T00:00:00Z"), InvalidReason.INVALID_FIELD, "created_at"),  # a zero date
        (raw(created_at="0001-01-01T00:00:00Z"), InvalidReason.INVALID_FIELD, "created_at"),  # crashed the engine
        (raw(id=12), InvalidReason.INVALID_FIELD, "id"),
        (raw(author={"id": "u", "followers": -1}), InvalidReason.INVALID_FIELD, "author.followers"),
        (raw(engagement={"views": "many"}), InvalidReason.INVALID_FIELD, "engagement.views"),
        # strict types: a number or flag written as a string is not read as one
        (raw(author={"id": "u", "followers": "12"}), InvalidReason.INVALID_FIELD, "author.followers"),
        (raw(author={"id": "u", "verified": "true"}), InvalidReason.INVALID_FIELD, "author.verified"),
        (raw(author={"id": ""}), InvalidReason.INVALID_FIELD, "author.id"),
        (raw(author={"id": "u" * 257}), InvalidReason.INVALID_FIELD, "author.id"),
        (raw(author={"id": "u", "created_at": "kemarin"}), InvalidReason.INVALID_FIELD, "author.created_at"),
        (raw(author={"id": "u", "created_at": "2020-01-01T00:00:00"}), InvalidReason.INVALID_FIELD,
         "author.created_at"),  # an account's age weighs its posts: a time without its offset is ambiguous
    ],
)
def test_invalid_posts_are_rejected_with_a_machine_readable_reason(payload, reason, where):
    with pytest.raises(InvalidInput) as caught:
        parse_post(payload)
    assert caught.value.reason is reason
    assert caught.value.detail.startswith(where)


def test_text_of_exactly_the_limit_is_accepted():
    assert len(parse_post(raw(text="a" * 20_000))["text"]) == 20_000



_POST = (b'{"id": "p1", "platform": "twitter", "text": "Air PDAM mati lagi", "created_at": "2026-11-29T08:00:00Z", '
         b'"author": {"id": "a1"}')


@pytest.mark.parametrize("extra, where", [
    (b'"engagement": {"likes": 18446744073709551616}', "engagement.likes"),
    (b'"lampiran": [1, {"nomor": -9223372036854775809}]', "lampiran.1.nomor"),
    (b'"lampiran": 100000000000000000000000000000', "lampiran"),
])
def test_an_integer_beyond_64_bits_is_refused_naming_where_it_is(extra, where):
    """orjson read such an integer as a float and wrote 1.8446744073709552e+19 into the scored post: the post was
    not passed on unchanged."""
    with pytest.raises(InvalidInput) as caught:
        parse_post(_POST + b", " + extra + b"}")
    assert caught.value.reason is InvalidReason.INVALID_FIELD and caught.value.detail.startswith(where + ":")


def test_the_64_bit_extremes_and_long_digit_strings_pass_unchanged():
    raw = (_POST + b', "engagement": {"views": 18446744073709551615}, "lampiran": [-9223372036854775808], '
                   b'"nomor": "12345678901234567890123"}')
    post = parse_post(raw)
    assert orjson.dumps(post) == orjson.dumps(orjson.loads(raw))
    assert post["engagement"]["views"] == 2**64 - 1 and post["lampiran"] == [-(2**63)]
