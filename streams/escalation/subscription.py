"""What one responder team follows on the escalations topic: some routes, some provinces, from some level up.

A regional government's humas follows the escalations from its province; a fact-checking desk follows the
``fact-check`` and ``counter-messaging`` routes. A province is concerned by an escalation when it holds a share
of the window's posts that name a region (20 % by default). An issue is followed from its first escalation that passes every
criterion given (an empty criterion passes all) until it closes: its later escalations, reviews and closing are
followed too, even when they no longer name the province or route, so the team sees what became of its issues.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.escalation.events import ESCALATED_TYPE
from streams.escalation.lifecycle import CLOSED_TYPE
from streams.issues.places import PROVINCES
from streams.policy.model import ROUTES

SEVERITY_LEVELS = {"waspada": 2, "siaga": 3, "awas": 4}


class SubscriptionError(ValueError):
    """A criterion that names no route, province or severity Sigap knows."""


def province_codes(codes: list[str] | None) -> frozenset[str]:
    """Province codes as given on a command line (any case), checked against the 38 Sigap counts by."""
    wanted = frozenset(code.strip().upper() for code in codes or ())
    unknown = sorted(wanted - PROVINCES.keys())
    if unknown:
        raise SubscriptionError(f"unknown province code(s) {', '.join(unknown)}: use an ISO 3166-2 province code, "
                                f"e.g. ID-JB ({PROVINCES['ID-JB']}) or ID-JK ({PROVINCES['ID-JK']})")
    return wanted


DEFAULT_REGION_SHARE = 0.2


def names_province(regions: dict | None, codes: frozenset[str], min_share: float = DEFAULT_REGION_SHARE) -> bool:
    """True when one of the provinces has at least ``min_share`` of the posts that name a region in a
    ``spread.regions`` count, and at least one post (or no provinces are asked for). With the default, a national
    issue with a few posts from everywhere is not every province's issue; 0 takes any post."""
    if not codes:
        return True
    regions = regions or {}
    named = sum(n for n in regions.values() if isinstance(n, int))
    return any(isinstance(regions.get(code), int) and regions[code] > 0 and regions[code] >= min_share * named
               for code in codes)


def region_share(value: float | None) -> float:
    if value is None:
        return DEFAULT_REGION_SHARE
    if not 0 <= value <= 1:
        raise SubscriptionError(f"a region share is between 0 and 1, not {value}")
    return value


@dataclass
class Subscription:
    routes: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()  # province codes, as checked by ``province_codes``
    region_share: float = DEFAULT_REGION_SHARE  # the share of the window's located posts a province needs
    min_level: int = 2
    followed: set[str] = field(default_factory=set)  # issues followed now (until they close)

    @classmethod
    def from_options(cls, routes: list[str] | None = None, regions: list[str] | None = None,
                     min_severity: str | None = None, min_region_share: float | None = None) -> Subscription:
        unknown = sorted(set(routes or ()) - set(ROUTES))
        if unknown:
            raise SubscriptionError(f"unknown route(s) {', '.join(unknown)}: routes are {', '.join(ROUTES)}")
        if min_severity is not None and min_severity not in SEVERITY_LEVELS:
            raise SubscriptionError(f"unknown severity {min_severity!r}: use {', '.join(SEVERITY_LEVELS)}")
        return cls(routes=frozenset(routes or ()), regions=province_codes(regions),
                   region_share=region_share(min_region_share),
                   min_level=SEVERITY_LEVELS[min_severity] if min_severity else 2)

    @property
    def narrows(self) -> bool:
        return bool(self.routes or self.regions or self.min_level > 2)

    def follows(self, event: dict) -> bool:
        if not self.narrows:
            return True
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        issue_id = data.get("issue_id") or event.get("subject")
        if issue_id in self.followed:  # followed until it closes, whatever its later escalations say
            if event.get("type") == CLOSED_TYPE:
                self.followed.discard(issue_id)
            return True
        if event.get("type") != ESCALATED_TYPE:
            return False
        level = data.get("level")
        followed = ((not self.routes or data.get("route") in self.routes)
                    and names_province((data.get("spread") or {}).get("regions"), self.regions, self.region_share)
                    and isinstance(level, int) and level >= self.min_level)
        if followed:
            self.followed.add(issue_id)
        return followed

    def describe(self) -> str:
        """In Indonesian, for a report's header; empty when nothing is narrowed."""
        parts = []
        if self.routes:
            parts.append("jalur " + ", ".join(route for route in ROUTES if route in self.routes))
        if self.regions:
            share = f" (minimal {100 * self.region_share:.0f} % post)" if self.region_share else ""
            parts.append("wilayah " + ", ".join(PROVINCES[code] for code in sorted(self.regions)) + share)
        if self.min_level > 2:
            parts.append("mulai " + next(s for s, level in SEVERITY_LEVELS.items() if level == self.min_level))
        return "; ".join(parts)

    def as_dict(self) -> dict:
        return {"routes": sorted(self.routes), "regions": sorted(self.regions), "region_share": self.region_share,
                "min_level": self.min_level}
