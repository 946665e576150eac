"""The official act after review as data (as apps.review.workflow declares the review levels):
the states an assessment passes through after the last review level, the batches' states and
actions, the optional steps a province's naming procedure may add before the public notice (公示),
and their labels. Views, services, the API and the figures derive from this module.

A province that has a naming procedure for a campaign year (`NamingProcedure`) sees the last
level's decision make the assessment *proposed* (拟认定); the province gathers proposed
assessments into a numbered batch (第N批), publishes it for public notice (公示) for the
procedure's number of days, resolves the objections, and names the batch (命名) in one atomic step
with a document number (文号): the assessments become approved (= named), with `approved_at` the
time of the naming. A held entry (an open objection) never enters a naming. Without a procedure the
last level's approval is the naming, as before the procedure existed, so earlier years never change.

Adding an optional step (site checks on a sample, other departments' opinions) is one call of
`register_step` from the owning app's `AppConfig.ready()`; the procedure records which steps the
province uses, and a batch cannot be published until each enabled step's check (`ready`) answers
None.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- What a naming procedure says ----------------------------------------------------------


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days")


class Namer(models.TextChoices):
    PROVINCE = "province", _("The provincial department")
    CITY = "city", _("The prefecture-level city department (delegated)")


DEFAULT_NOTICE_DAYS = 7
MIN_NOTICE_DAYS = 5
MAX_NOTICE_DAYS = 30
DEFAULTS = {"notice_days": DEFAULT_NOTICE_DAYS, "day_kind": DayKind.CALENDAR, "namer": Namer.PROVINCE}


@dataclass(frozen=True)
class Step:
    """An optional step between the proposal and the public notice."""

    key: str
    name: str
    # (batch) -> None when the batch may be published, else the message saying what is missing.
    ready: Callable[[object], str | None]


# Filled by the apps that own a step (their AppConfig.ready() calls register_step), in the order
# the apps are installed: e.g. Step("site_checks", _("Site checks on a sample"), ...).
STEPS: list[Step] = []
STEP: dict[str, Step] = {}


def register_step(step: Step) -> None:
    """Make `step` available to naming procedures (idempotent: ready() may run twice in tests)."""
    if step.key in STEP:
        return
    STEPS.append(step)
    STEP[step.key] = step


def step_choices() -> list[tuple[str, str]]:
    return [(s.key, s.name) for s in STEPS]


# --- States ----------------------------------------------------------------------------------


class BatchState(models.TextChoices):
    DRAFT = "draft", _("Draft (not public)")
    PUBLISHED = "published", _("In public notice")
    NAMED = "named", _("Named")


class EntryState(models.TextChoices):
    LISTED = "listed", _("Listed")
    HELD = "held", _("Held (objection open)")
    NAMED = "named", _("Named")
    LEFT = "left", _("Left the batch")


class ObjectionSource(models.TextChoices):
    PUBLIC = "public", _("Public notice page")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")


class Outcome(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Dismissed")
    UPHELD = "upheld", _("Upheld: back in review")


# Where an assessment stands in the naming (for labels and figures): proposed (in no batch, or in a
# draft batch), in 公示 (in a published batch), held (an objection is open), named.
class NamingStage(models.TextChoices):
    PROPOSED = "proposed", _("Proposed (拟认定)")
    IN_NOTICE = "in_notice", _("In public notice (公示)")
    HELD = "held", _("Held (objection open)")
    NAMED = "named", _("Named (命名)")


# Entry states that keep an assessment in a batch (it cannot be put into another one).
ACTIVE_ENTRY_STATES = (EntryState.LISTED, EntryState.HELD)


# --- Dates -----------------------------------------------------------------------------------


def notice_end(start: dt.date, days: int, day_kind: str) -> dt.date:
    """The last day of a public notice of `days` days starting on `start` (inclusive). Working
    days skip Saturdays and Sundays (public holidays are not known to the portal: a province that
    needs them sets the end date by hand)."""
    if day_kind != DayKind.WORKING:
        return start + dt.timedelta(days=days - 1)
    day, counted = start, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)


# --- What may be done to a batch now --------------------------------------------------------


def batch_actions(batch, today: dt.date) -> list[str]:
    """The actions open on a batch today, in the order the page shows them: a draft is edited and
    published; a published batch takes objections while its notice runs and is named once it has
    ended; a named batch is done."""
    if batch.state == BatchState.DRAFT:
        return ["edit", "publish"]
    if batch.state == BatchState.PUBLISHED:
        if today <= batch.notice_end:
            return ["object"]
        return ["object_staff", "name"]
    return []


def notice_running(batch, today: dt.date) -> bool:
    return batch.state == BatchState.PUBLISHED and batch.notice_start <= today <= batch.notice_end


def accepts_public_objections(batch, today: dt.date) -> bool:
    return notice_running(batch, today)


DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (batch numbers: 第一批); 100 and more in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = ("" if tens == 1 else DIGITS[tens]) + "十" if tens else ""
    return head + (DIGITS[ones] if ones else "")


def stage_label(stage: str) -> str:
    return str(NamingStage(stage).label)
