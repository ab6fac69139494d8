"""Escalation events are CloudEvents 1.0 exactly as the contract says, and validate against the shipped JSON
Schema; issue records and the AsyncAPI document match the code."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache

import jsonschema
import orjson
import pytest
import yaml
from referencing import Registry, Resource

from streams.escalation import ESCALATED_TYPE, ROUTES, event_id, route_for
from streams.issues.published import public_issue
from streams.issues.watermark import watermark_record
from streams.policy import load_policy
from streams.scenarios import build_scenario
from streams.scenarios.oracle import oracle_score_posts, scenario_claims
from streams.settings import REPO_ROOT
from streams.topics import topic_specs
from tests.issues.helpers import run_engines

SCHEMAS = REPO_ROOT / "schemas"


@lru_cache(maxsize=1)
def registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry(),
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@lru_cache(maxsize=1)
def demo_run():
    posts = build_scenario("demo", seed=0)
    scored = oracle_score_posts(posts)
    claims = {c["id"]: c for c in scenario_claims(posts)}
    escalations, engines = run_engines(scored, batch=100, claim_lookup=claims.get)
    return posts, scored, [e for _, e in escalations], engines[0]


def test_every_escalation_is_a_valid_cloudevent_per_the_contract_and_the_schema():
    _, _, events, _ = demo_run()
    assert len(events) >= 4
    check = validator("escalation.schema.json")
    for event in events:
        check.validate(event)
        assert event["specversion"] == "1.0" and event["type"] == ESCALATED_TYPE
        assert event["datacontenttype"] == "application/json"
        assert event["subject"] == event["data"]["issue_id"]
        for stamp in (event["time"], event["data"]["first_seen"], event["data"]["window"]["start"]):
            datetime.fromisoformat(stamp)
        data = event["data"]
        assert data["severity"] == {2: "waspada", 3: "siaga", 4: "awas"}[data["level"]]
        assert data["route"] in ROUTES
        assert data["first_seen"] <= event["time"] <= data["window"]["end"]
        for reason in data["reasons"]:
            assert {"signal", "value", "threshold", "detail"} <= set(reason)


def test_the_events_cover_each_route_they_should():
    _, _, events, _ = demo_run()
    routes = {e["data"]["route"] for e in events}
    assert {"counter-messaging", "platform-report", "public-relations"} <= routes
    claim_events = [e for e in events if e["data"]["route"] == "counter-messaging"]
    assert all(e["data"]["matched_claims"][0]["clarification"] for e in claim_events)
    push = next(e for e in events if e["data"]["route"] == "platform-report")
    assert push["data"]["coordination"]["accounts"] >= 30


def test_an_escalation_says_on_which_platforms_and_in_which_provinces_its_window_posts_are():
    posts, _, events, _ = demo_run()
    by_id = {p["id"]: p for p in posts}
    for event in events:
        data = event["data"]
        platforms, regions = data["spread"]["platforms"], data["spread"]["regions"]
        # every demo post names a province and a platform, so both add up to the window's posts
        assert sum(platforms.values()) == sum(regions.values()) == data["metrics"]["window_posts"]
        assert list(platforms.values()) == sorted(platforms.values(), reverse=True)
        for sample in data["sample_posts"]:
            assert by_id[sample["id"]]["platform"] in platforms and by_id[sample["id"]]["region"] in regions


def test_schema_refuses_what_the_contract_forbids():
    _, _, events, _ = demo_run()
    check = validator("escalation.schema.json")
    bad = json.loads(json.dumps(events[0]))
    bad["data"]["level"] = 1
    assert not check.is_valid(bad)
    bad = json.loads(json.dumps(events[0]))
    del bad["data"]["reasons"]
    assert not check.is_valid(bad)
    bad = json.loads(json.dumps(events[0]))
    bad["specversion"] = "0.3"
    assert not check.is_valid(bad)


def test_event_ids_are_deterministic_per_issue_incarnation_and_level():
    assert event_id("topic-pln", 1000, 2) == event_id("topic-pln", 1000, 2)
    assert len({event_id("topic-pln", 1000, 2), event_id("topic-pln", 1000, 3), event_id("topic-pdam", 1000, 2),
                event_id("topic-pln", 2000, 2)}) == 4


def test_route_falls_back_to_signals_when_rules_declare_none():
    policy = load_policy()
    base = {"claim_match": 0.0, "hoax": 0.0, "negativity": 0.0, "coordination": 0.0}
    assert route_for({**base, "claim_match": 0.9, "hoax": 0.9}, policy) == "counter-messaging"
    assert route_for({**base, "hoax": 0.8, "negativity": 0.8}, policy) == "fact-check"
    assert route_for({**base, "negativity": 0.8}, policy) == "public-relations"
    assert route_for({**base, "coordination": 20}, policy) == "platform-report"
    assert route_for(base, policy) == "monitoring"
    assert route_for({**base, "negativity": 0.8}, policy, ["known-hoax-resurfacing"]) == "counter-messaging"


def test_issue_records_validate_and_tombstones_are_none():
    _, _, _, engine = demo_run()
    check = validator("issue.schema.json")
    records = [public_issue(state) for state in engine.store.values()]
    assert records
    for record in records:
        check.validate(record)
    escalated = [r for r in records if r["escalations"]]
    assert escalated and all(r["max_level"] >= 2 for r in escalated)
    assert all(sum(r["spread"]["platforms"].values()) == r["metrics"]["window_posts"] for r in records)
    bad = json.loads(json.dumps(records[0]))
    bad["spread"]["regions"]["Jawa Tengah"] = 3  # provinces go by ISO 3166-2 code
    assert not check.is_valid(bad)


def test_scored_posts_and_feedback_validate_against_their_schemas():
    _, scored, _, _ = demo_run()
    check = validator("scored-post.schema.json")
    for post in scored[:50]:
        check.validate(post)
    validator("issue-event.schema.json").validate(scored[0])
    feedback = {"issue_id": "topic-pln", "verdict": "false_alarm", "by": "ops", "at": "2024-06-03T01:00:00Z"}
    validator("feedback.schema.json").validate(feedback)
    validator("issue-event.schema.json").validate({**feedback, "kind": "feedback"})
    validator("issue-event.schema.json").validate({"kind": "watermark", "source": "3", "time": "2024-06-03T01:00:00Z"})
    mark = watermark_record({3: datetime(2024, 6, 3, 1, 0, tzinfo=UTC), 5: datetime(2024, 6, 3, 1, 2, tzinfo=UTC)})
    validator("issue-event.schema.json").validate(mark)
    assert not validator("issue-event.schema.json").is_valid({**mark, "sources": {"3": 1717376400}})
    for kind in ({"kind": "tick"}, {"kind": "watermark", **mark}, {"kind": "feedback", **feedback}):
        validator("issue-event.schema.json").validate(scored[0] | kind)  # a post keeps its own `kind`: still a post
    for name in ("claim.schema.json", "dead-letter.schema.json", "post.schema.json"):
        validator(name)


def test_a_post_whose_optional_fields_are_null_is_accepted_and_its_scored_record_validates():
    """Many producers write an absent value as null: such a post is scored and passes on as it came, so the
    schemas allow null wherever the post is optional."""
    from streams.records.post import parse_post

    author = {"id": "u1", "handle": None, "followers": None, "verified": None, "created_at": None}
    post = {"id": "p-null", "platform": "facebook", "text": "Air PDAM mati lagi sejak pagi", "author": author,
            "created_at": "2024-06-03T01:00:00Z", "url": None, "lang": None, "region": None, "reply_to": None,
            "shared_from": None, "engagement": {"likes": None, "shares": None, "replies": None, "views": None}}
    for given in (post, post | {"engagement": None}):
        assert parse_post(orjson.dumps(given)) == given
        (scored,) = oracle_score_posts([given])
        validator("post.schema.json").validate(given)
        validator("scored-post.schema.json").validate(scored)
        validator("issue-event.schema.json").validate(scored)


@pytest.fixture(scope="module")
def asyncapi() -> dict:
    return yaml.safe_load((SCHEMAS / "asyncapi.yaml").read_text(encoding="utf-8"))


def test_asyncapi_describes_every_topic_with_its_partitions_and_cleanup(asyncapi):
    assert asyncapi["asyncapi"].startswith("3.")
    channels = {c["address"]: c for c in asyncapi["channels"].values()}
    for spec in topic_specs():
        channel = channels.get("{prefix}" + spec.suffix)
        assert channel is not None, spec.suffix
        kafka = channel["bindings"]["kafka"]
        assert kafka["partitions"] == spec.partitions
        assert kafka["topicConfiguration"]["cleanup.policy"] == [spec.config()["cleanup.policy"]]
        if "retention.ms" in spec.config():
            assert kafka["topicConfiguration"]["retention.ms"] == int(spec.config()["retention.ms"])
    assert len(channels) == len(topic_specs())


def _resolve(document: dict, ref: str):
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_asyncapi_references_resolve(asyncapi):
    refs: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    refs.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(asyncapi)
    assert refs
    for ref in refs:
        if ref.startswith("#/"):
            _resolve(asyncapi, ref)
        else:
            assert (SCHEMAS / ref).is_file(), ref
    for operation in asyncapi["operations"].values():
        assert operation["action"] in ("send", "receive")
        channel = _resolve(asyncapi, operation["channel"]["$ref"])
        for message in operation["messages"]:
            assert message["$ref"].startswith(operation["channel"]["$ref"] + "/messages/")
            _resolve(asyncapi, message["$ref"])
        assert channel
