"""The review chains as data: the levels a province may review through, the order they come in,
who acts at each, and which decisions each may take.

An assessment goes `draft → submitted →` (one level after the other of its province's chain) `→
approved`; any level may return it to the community (`returned`), and the next submission starts at
the first level again; the province may later revoke an approval (`revoked`). While it is with a
reviewer its state is `submitted` (at the chain's first level) or `recommended` (at a later level),
and `Assessment.review_level` names the level it waits at.

A province has one chain per campaign year (`ReviewChain`), an ordered subset of LEVELS that always
ends at the province, frozen once an assessment of that year is submitted; without one the national
default applies: county/city → province. The chain an assessment was submitted under is copied onto
it (`Assessment.review_chain`), so every check reads that one row.

Adding a level is one entry in LEVELS, plus its role (apps.accounts.models.Role), its scope rule
(apps.accounts.scoping.SCOPE_COLUMN) and its entries in the authorization matrix (tests/security).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from apps.accounts.capabilities import is_province_staff
from apps.accounts.models import Role
from apps.accounts.scoping import regional_column
from apps.assessments.models import State


@dataclass(frozen=True)
class Level:
    key: str  # also the region level of the accounts that review here
    role: str  # the account role that reviews at this level
    column: str  # the assessment's column compared with the reviewer's region
    name: str  # the reviewing body
    short: str  # the level in a sentence: "waiting for the {short} review"
    queue: str  # the title of its reviewers' queue


LEVELS: tuple[Level, ...] = (
    Level(
        "street", Role.STREET, "street_id", _("Street office"), _("street office"), _("Street office review")
    ),
    Level(
        "county",
        Role.CITY,
        "county_id",
        _("County/district department"),
        _("county/district"),
        _("County/district review"),
    ),
    Level(
        "city",
        Role.CITY,
        "city_id",
        _("Prefecture-level city department"),
        _("prefecture-level city"),
        _("City review"),
    ),
    Level(
        "province",
        Role.PROVINCE,
        "province_id",
        _("Provincial department"),
        _("provincial"),
        _("Final review"),
    ),
)
LEVEL = {level.key: level for level in LEVELS}
LEVEL_KEYS = tuple(LEVEL)  # the API's ReviewLevelEnum
ORDER = {level.key: i for i, level in enumerate(LEVELS)}
FINAL = "province"
DEFAULT_CHAIN: tuple[str, ...] = ("county", "province")

IN_REVIEW = (State.SUBMITTED, State.RECOMMENDED)
REVIEWED = (State.SUBMITTED, State.RECOMMENDED, State.RETURNED, State.APPROVED, State.REVOKED)


# --- Chains --------------------------------------------------------------------------------


def chain_from_text(text: str) -> tuple[str, ...]:
    """'street,county,province' → ('street', 'county', 'province'); '' → the default chain."""
    levels = tuple(part for part in (text or "").split(",") if part)
    return levels or DEFAULT_CHAIN


def chain_text(levels) -> str:
    return ",".join(levels)


def chain_problems(levels) -> list[str]:
    """What is wrong with a proposed chain, as messages for the user (empty: it is valid). Whether each
    level has an account in the province is checked by the service, which can query."""
    levels = list(levels)
    problems = []
    unknown = [key for key in levels if key not in LEVEL]
    if unknown:
        problems.append(_("Unknown review level: %(levels)s.") % {"levels": "、".join(unknown)})
        return problems
    if not levels or levels[-1] != FINAL:
        problems.append(_("The chain must end at the provincial department."))
    if len(set(levels)) != len(levels):
        problems.append(_("A level may appear only once in the chain."))
    elif [ORDER[k] for k in levels] != sorted(ORDER[k] for k in levels):
        problems.append(_("The levels must go upwards: street office, county/district, city, province."))
    return problems


def acts_at(user, chain) -> str | None:
    """The level of `chain` at which `user` reviews (None: nowhere). A street office, county or city
    department reviews at its region's level; where the chain has no city level, the city
    department reviews at the county level beside the county departments (the national default's
    "county/city" first level)."""
    column = regional_column(user)
    if column is None:
        return None
    key = column.removesuffix("_id")
    if LEVEL[key].role != user.role:
        return None
    if key in chain:
        return key
    if key == "city" and city_reviews_at_county(chain):
        return "county"
    return None


# The one home of the rule "a city department reviews at the county level when the chain has no
# city level" (beside the county departments: the national default's "county/city" first level),
# for a chain in memory and, as a filter, for assessments in the database.
def city_reviews_at_county(chain) -> bool:
    """Whether, in `chain` (None: the national default), the city department reviews at the county
    level."""
    chain = DEFAULT_CHAIN if chain is None else chain
    return "county" in chain and "city" not in chain


# Assessments waiting at the county level of a chain without a city level (city_reviews_at_county).
CITY_AT_COUNTY_Q = Q(review_level="county") & ~Q(review_chain__contains="city")


def level_name(key: str, chain=None) -> str:
    """The reviewing body of a level; the first level of the national default chain is the
    city/county department (市县), as the notice names it."""
    if key == "county" and chain is not None and tuple(chain) == DEFAULT_CHAIN:
        return _("City/county department")
    return LEVEL[key].name


def first_level(chain) -> str:
    return chain[0]


def next_level(chain, key: str) -> str | None:
    i = chain.index(key)
    return chain[i + 1] if i + 1 < len(chain) else None


def next_level_name(assessment) -> str:
    """The reviewing body an assessment in review goes to when recommended ("" at the last level,
    or when it is not in review)."""
    chain = chain_of(assessment)
    key = next_level(chain, assessment.review_level) if assessment.review_level in chain else None
    return level_name(key, chain) if key else ""


def state_after_forward(chain, key: str) -> str:
    """The state an assessment is in when `key` is where it now waits."""
    return State.SUBMITTED if key == chain[0] else State.RECOMMENDED


# --- Who may decide what ----------------------------------------------------------------------


def chain_of(assessment) -> tuple[str, ...]:
    return chain_from_text(assessment.review_chain)


def can_review(user, assessment) -> bool:
    """The assessment waits at the level where `user` reviews, in the user's scope."""
    if assessment.state not in IN_REVIEW or not assessment.is_visible_to(user):
        return False
    return _waits_where_acting(assessment, acts_at(user, chain_of(assessment)))


def _waits_where_acting(assessment, acting_level: str | None) -> bool:
    """The assessment is in review and waits at `acting_level`, the level where the user acts."""
    return assessment.state in IN_REVIEW and acting_level == assessment.review_level


def approvable_in_bulk(user, assessments) -> list[bool]:
    """Whether bulk approval offers each of a page's rows: an assessment the province can approve now
    as it is, waiting at the province and needing no written reason (not below the pass mark, see
    assessment_approve). The rows are read through `Assessment.objects.visible_to(user)` (in the
    user's scope already); where the user acts is worked out once per chain, not once per row."""
    from apps.assessments.scores import standing

    acts: dict[str, str | None] = {}
    out = []
    for a in assessments:
        if a.review_chain not in acts:
            acts[a.review_chain] = acts_at(user, chain_of(a))
        waiting_here = a.review_level == FINAL and _waits_where_acting(a, acts[a.review_chain])
        score = standing(a) if waiting_here else None
        out.append(waiting_here and not (score and score.below))
    return out


def role_may(user, assessment, action: str) -> bool:
    """Whether `user` could ever take `action` on this assessment, whatever its state now: refused
    with 403 when not, with a conflict when it is only not the moment."""
    level = acts_at(user, chain_of(assessment))
    if action == "recommend":
        return level is not None and level != FINAL
    if action == "approve":
        return level == FINAL
    if action == "return":
        return level is not None
    return is_province_staff(user, assessment.province_id)  # revoke, designate


def available_actions(user, assessment) -> list[str]:
    """The decisions `user` may take on the assessment now, in the order the page shows them."""
    if can_review(user, assessment):
        final = assessment.review_level == FINAL
        return ["approve", "return"] if final else ["recommend", "return"]
    if assessment.state == State.APPROVED and is_province_staff(user, assessment.province_id):
        return ["revoke", "designate"]
    return []


# --- Decisions as the review page offers them -------------------------------------------------

# Decided from the review form, with the verdicts typed above (their buttons come after the
# criteria); the others (revoke, designate) have a form of their own.
REVIEW_FORM_ACTIONS = ("recommend", "return", "approve")


@dataclass(frozen=True)
class Decision:
    """A decision offered on the review page, with the words the page says about it."""

    action: str
    verb: str  # its button, and what the confirmation asks for
    title: str  # the heading of its box
    help: str  # the line under the heading ("" for none)
    outcome: str  # what happens once it is confirmed, and who is told
    on_review_form: bool  # taken from the review form (REVIEW_FORM_ACTIONS)
    danger: bool  # it sends the assessment back or takes an approval away


def decision(action: str, *, next_level_name: str = "", proposes: bool = False, designated: bool = False):
    """The words of `action` on the review page: `next_level_name` names where a recommendation
    goes, `proposes` says the province's naming procedure makes an approval a proposal (拟认定),
    `designated` that the community already is a demonstration community (the citation changes)."""
    body = {"body": next_level_name}
    words = {
        "recommend": (
            _("Recommend"),
            _("Recommend to the %(body)s") % body,
            _("This level found the assessment complete and credible."),
            _(
                "The assessment goes to the %(body)s for the next review; the %(body)s is told. This level can no longer change its verdicts."
            )
            % body,
        ),
        "return": (
            _("Return"),
            _("Return to the community"),
            _("The comments on the criteria not confirmed go with the return."),
            _(
                "The assessment goes back to the community committee for revision, with your reason and the comments on the criteria not confirmed; the committee is told. The review starts again when it resubmits."
            ),
        ),
        "approve": (
            _("Approve"),
            _("Approve"),
            _("The community is proposed (拟认定): it is named after the public notice (公示) of a batch.")
            if proposes
            else _("The community meets the requirements (达到创建要求)."),
            _(
                "The community is proposed (拟认定): the provincial department puts it into a batch for public notice (公示), and it counts as meeting the requirements once the batch is named; the community committee is told."
            )
            if proposes
            else _(
                "The community is approved as meeting the requirements: it counts in the province's and the national figures from today, and the community committee is told."
            ),
        ),
        "revoke": (
            _("Revoke"),
            _("Revoke the approval (摘牌)"),
            _(
                "After a failed re-check: the community no longer counts as meeting the requirements from today."
            ),
            _(
                "The approval is revoked (摘牌): the community no longer counts in the province's and the national figures from today, and the community committee is told."
            ),
        ),
        "designate": (
            _("Designate"),
            _("Change the citation") if designated else _("Designate a demonstration community"),
            "",
            _(
                "The community is designated a demonstration community and appears on the public page with your citation; the community committee is told."
            ),
        ),
    }
    verb, title, help_text, outcome = words[action]
    return Decision(
        action=action,
        verb=str(verb),
        title=str(title),
        help=str(help_text),
        outcome=str(outcome),
        on_review_form=action in REVIEW_FORM_ACTIONS,
        danger=action in ("return", "revoke"),
    )


def no_decision_text(assessment) -> str:
    """Why the review page offers the user no decision on the assessment."""
    if assessment.state in IN_REVIEW:
        return _("The assessment is with another level of review: %(where)s.") % {
            "where": status_label(assessment)
        }
    if assessment.state in (State.DRAFT, State.RETURNED):
        return str(_("The community is revising the assessment: no decision is due."))
    return str(_("No decision is waiting for you on this assessment."))


# --- Labels ----------------------------------------------------------------------------------


def _waiting_label(key: str, chain=None) -> str:
    short = LEVEL[key].short
    if key == "county" and chain is not None and tuple(chain) == DEFAULT_CHAIN:
        short = _("city/county")
    return _("Waiting for the %(level)s review") % {"level": short}


waiting_label = lazy(_waiting_label, str)


def status_label(assessment) -> str:
    """The assessment's state as a reviewer reads it: where it waits, when it is in review."""
    if assessment.state in IN_REVIEW and assessment.review_level in LEVEL:
        return str(waiting_label(assessment.review_level, chain_of(assessment)))
    return assessment.get_state_display()


def queue_title(key: str | None) -> str:
    return str(LEVEL[key].queue if key in LEVEL else _("Reviews"))
