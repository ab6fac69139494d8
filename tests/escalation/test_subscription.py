"""Following some escalations: by route, province and level, and what became of the issues followed."""

from __future__ import annotations

import pytest

from streams.escalation.events import ESCALATED_TYPE
from streams.escalation.lifecycle import CLOSED_TYPE, REVIEWED_TYPE
from streams.escalation.subscription import Subscription, SubscriptionError


def escalation(issue: str, level: int, route: str, regions: dict[str, int]) -> dict:
    severity = {2: "waspada", 3: "siaga", 4: "awas"}[level]
    return {"type": ESCALATED_TYPE, "subject": issue, "id": f"{issue}-{level}",
            "data": {"issue_id": issue, "level": level, "severity": severity, "route": route,
                     "spread": {"platforms": {"twitter": 5}, "regions": regions}}}


def lifecycle(issue: str, kind: str) -> dict:
    return {"type": kind, "subject": issue, "id": f"{issue}-{kind}", "data": {"issue_id": issue}}


STREAM = [
    escalation("topic-pdam", 2, "public-relations", {"ID-JB": 9, "ID-JK": 1}),
    escalation("claim-pepaya", 2, "counter-messaging", {"ID-JT": 4}),
    escalation("claim-pepaya", 3, "counter-messaging", {"ID-JT": 6, "ID-JB": 1}),
    escalation("topic-timnas", 2, "monitoring", {}),
    lifecycle("topic-pdam", REVIEWED_TYPE),
    lifecycle("claim-pepaya", CLOSED_TYPE),
    lifecycle("topic-timnas", CLOSED_TYPE),
]


def followed(subscription: Subscription) -> list[str]:
    return [event["id"] for event in STREAM if subscription.follows(event)]


def test_nothing_narrowed_follows_everything():
    assert followed(Subscription.from_options()) == [event["id"] for event in STREAM]


def test_a_province_follows_the_escalations_it_holds_a_share_of_and_what_became_of_their_issues():
    # pepaya's siaga has 1 of its 7 located posts from Jawa Barat: not Jawa Barat's issue at the default 20 %
    assert followed(Subscription.from_options(regions=["id-jb"])) == ["topic-pdam-2", "topic-pdam-" + REVIEWED_TYPE]
    assert followed(Subscription.from_options(regions=["id-jb"], min_region_share=0)) == [
        "topic-pdam-2", "claim-pepaya-3", "topic-pdam-" + REVIEWED_TYPE, "claim-pepaya-" + CLOSED_TYPE]
    assert followed(Subscription.from_options(regions=["ID-JT"], min_region_share=0.9)) == [
        "claim-pepaya-2", "claim-pepaya-3", "claim-pepaya-" + CLOSED_TYPE]  # 4 of 4, then followed until closed


def test_routes_and_levels_narrow_together():
    assert followed(Subscription.from_options(routes=["counter-messaging", "fact-check"])) == [
        "claim-pepaya-2", "claim-pepaya-3", "claim-pepaya-" + CLOSED_TYPE]
    assert followed(Subscription.from_options(routes=["public-relations"], min_severity="siaga")) == []
    assert followed(Subscription.from_options(min_severity="siaga")) == ["claim-pepaya-3",
                                                                          "claim-pepaya-" + CLOSED_TYPE]


def test_a_lifecycle_event_before_any_followed_escalation_is_not_followed():
    subscription = Subscription.from_options(regions=["ID-JB"])
    assert not subscription.follows(lifecycle("topic-pdam", REVIEWED_TYPE))
    assert not subscription.follows({"type": ESCALATED_TYPE, "data": "not an object"})


@pytest.mark.parametrize(("options", "message"), [
    ({"routes": ["humas"]}, "unknown route(s) humas"),
    ({"regions": ["ID-XX", "jabar"]}, "unknown province code(s) ID-XX, JABAR"),
    ({"min_severity": "tinggi"}, "unknown severity 'tinggi'"),
    ({"regions": ["ID-JB"], "min_region_share": 1.5}, "between 0 and 1"),
])
def test_unknown_criteria_are_refused_with_what_is_known(options, message):
    with pytest.raises(SubscriptionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Subscription.from_options(**options)


def test_the_description_is_in_indonesian_and_empty_when_nothing_is_narrowed():
    assert Subscription.from_options().describe() == ""
    assert Subscription.from_options(routes=["fact-check", "counter-messaging"], regions=["ID-JK", "ID-JB"],
                                     min_severity="siaga").describe() == (
        "jalur counter-messaging, fact-check; wilayah Jawa Barat, DKI Jakarta (minimal 20 % post); mulai siaga")


def test_an_issue_is_followed_until_it_closes_whatever_its_later_escalations_say():
    subscription = Subscription.from_options(regions=["ID-JB"])
    story = [escalation("topic-pdam", 2, "public-relations", {"ID-JB": 9}),
             escalation("topic-pdam", 3, "platform-report", {"ID-JK": 30}),  # spread beyond the province
             lifecycle("topic-pdam", CLOSED_TYPE),
             escalation("topic-pdam", 2, "public-relations", {"ID-JK": 5}),  # a new incarnation, elsewhere
             escalation("topic-pdam", 3, "public-relations", {"ID-JB": 4, "ID-JK": 9})]
    assert [subscription.follows(event) for event in story] == [True, True, True, False, True]


def test_a_province_needs_its_share_exactly_and_at_least_one_post():
    at_share = Subscription.from_options(regions=["ID-JB"])  # 20 %
    assert at_share.follows(escalation("topic-a", 2, "monitoring", {"ID-JB": 1, "ID-JK": 4}))  # 1 of 5: exactly 20 %
    assert not at_share.follows(escalation("topic-b", 2, "monitoring", {"ID-JB": 1, "ID-JK": 5}))  # 1 of 6
    any_share = Subscription.from_options(regions=["ID-JB"], min_region_share=0)
    assert not any_share.follows(escalation("topic-c", 2, "monitoring", {"ID-JB": 0, "ID-JK": 5}))
    assert not any_share.follows(escalation("topic-d", 2, "monitoring", {}))
    assert any_share.follows(escalation("topic-e", 2, "monitoring", {"ID-JB": 1, "ID-JK": 99}))


def test_only_an_escalation_starts_following_an_issue():
    """An event of another type starts nothing, even one that carries an escalation's fields."""
    subscription = Subscription.from_options(routes=["monitoring"])
    odd = escalation("topic-a", 3, "monitoring", {"ID-JB": 3}) | {"type": "id.sigap.issue.merged.v1"}
    assert not subscription.follows(odd)
    assert not subscription.follows(escalation("topic-a", 3, "public-relations", {"ID-JB": 3}))
    assert subscription.follows(escalation("topic-a", 3, "monitoring", {"ID-JB": 3}))
