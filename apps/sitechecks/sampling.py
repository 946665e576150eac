"""The draw itself, as a pure function: the same seed, rule and candidates give the same sample,
whatever order the candidates come in.

Per district (county) the quota is the rule's (every candidate; ⌈x % of them⌉; n of them), at least
one where `min_one` and the district has a candidate; forced candidates (an objection, a confirmed
total near the pass mark, a demonstration candidate, an integrity flag) are always in and count
towards the quota. The rest of the quota is a weighted draw without replacement (Efraimidis and
Spirakis: the largest keys u^(1/w)), with u made from a hash of the seed and the community's code,
so that one community's chance does not depend on which others are candidates."""

import hashlib
import math
from dataclasses import dataclass, field

ALL, PERCENT, COUNT = "all", "percent", "count"


@dataclass(frozen=True)
class Candidate:
    assessment_id: int
    code: str
    county_id: str
    weight: float = 1.0
    forced: tuple[str, ...] = ()


@dataclass(frozen=True)
class Picked:
    candidate: Candidate
    reason: str  # "drawn" or the first forcing reason


@dataclass
class RuleSpec:
    rule: str = PERCENT
    value: int = 30
    min_one: bool = True
    district_rules: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "value": self.value,
            "min_one": self.min_one,
            "districts": self.district_rules,
        }


def quota(rule: str, value: int, size: int, *, min_one: bool) -> int:
    if size == 0:
        return 0
    if rule == ALL:
        n = size
    elif rule == PERCENT:
        n = math.ceil(size * value / 100)
    else:
        n = value
    if min_one:
        n = max(n, 1)
    return min(n, size)


def uniform(seed: str, code: str) -> float:
    """A number in (0, 1) fixed by the seed and the code."""
    digest = hashlib.blake2b(f"{seed}:{code}".encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") + 1) / (2**64 + 2)


def draw(candidates: list[Candidate], *, seed: str, spec: RuleSpec) -> list[Picked]:
    """The sample, ordered by district and code."""
    by_county: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_county.setdefault(c.county_id, []).append(c)
    picked: list[Picked] = []
    for county_id in sorted(by_county):
        rows = by_county[county_id]
        own = spec.district_rules.get(county_id) or {}
        n = quota(
            own.get("rule", spec.rule), int(own.get("value", spec.value)), len(rows), min_one=spec.min_one
        )
        forced = [c for c in rows if c.forced]
        rest = [c for c in rows if not c.forced]
        # Largest key first: log(u) / w is monotone in u^(1/w) and safe for tiny weights.
        rest.sort(key=lambda c: (-(math.log(uniform(seed, c.code)) / max(c.weight, 1e-6)), c.code))
        chosen = [Picked(c, c.forced[0]) for c in forced]
        chosen += [Picked(c, "drawn") for c in rest[: max(0, n - len(forced))]]
        picked += sorted(chosen, key=lambda p: p.candidate.code)
    return picked
