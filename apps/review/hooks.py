"""What other apps add to the review without the review importing them (as the naming procedure's
steps): checks the last level's approval must pass (the residents' satisfaction gate), what the
queue's rows carry beside the scores (the site check's total), and what the last level's decision
does where a province names in batches (the naming procedure: proposed, 拟认定). Each app registers
its own from its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from apps.assessments.models import Action, State


@dataclass(frozen=True)
class FinalDecision:
    """What the last review level's decision does to an assessment."""

    state: str
    action: str
    stamp: str

    @property
    def proposes(self) -> bool:
        return self.state == State.PROPOSED


APPROVES = FinalDecision(State.APPROVED, Action.APPROVED, "approved_at")
PROPOSES = FinalDecision(State.PROPOSED, Action.PROPOSED, "proposed_at")

# (assessment) -> None, or raises a ServiceError saying why the approval cannot be given now.
APPROVAL_CHECKS: list[Callable[[object], None]] = []
# (rows of one queue page) -> None; sets attributes the queue's templates read.
QUEUE_ROWS: list[Callable[[list], None]] = []


def register_approval_check(check: Callable[[object], None]) -> None:
    if check not in APPROVAL_CHECKS:
        APPROVAL_CHECKS.append(check)


def register_queue_rows(decorate: Callable[[list], None]) -> None:
    if decorate not in QUEUE_ROWS:
        QUEUE_ROWS.append(decorate)


# (province_id, year) -> the FinalDecision there; without a provider, approving names (APPROVES).
FINAL_DECISION: list[Callable[..., FinalDecision]] = []


def register_final_decision(provider: Callable[..., FinalDecision]) -> None:
    FINAL_DECISION[:] = [provider]


def final_decision(*, province_id: str, year: int) -> FinalDecision:
    """What the last level's approval does in `province_id` for `year`."""
    if not FINAL_DECISION:
        return APPROVES
    return FINAL_DECISION[0](province_id=province_id, year=year)
