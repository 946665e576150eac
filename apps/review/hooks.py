"""What other apps add to the review without the review importing them (as the naming procedure's
steps): checks the last level's approval must pass (the residents' satisfaction gate), and what the
queue's rows carry beside the scores (the site check's total). Each app registers its own from its
AppConfig.ready()."""

from collections.abc import Callable

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
