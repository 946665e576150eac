"""Named capabilities: what a role may do, asked by views, templates and services alike.

Scope (which rows) is decided in `scoping`; these answer "may this user do X" and never compare
role strings anywhere else. Capabilities on a review decision depend on the assessment's review
chain and live in `apps.review.workflow` (`can_review`, `available_actions`).
Templates read them through `apps.accounts.context_processors.capabilities` as `caps.<name>`.
"""

from .managing import can_manage_accounts
from .models import Role
from .scoping import (
    NOTHING,
    department_column,
    department_province_q,
    is_active_user,
    is_department,
    is_nationwide,
    prefecture_city_id,
    regional_column,
)

REVIEWER_ROLES = (Role.STREET, Role.CITY, Role.PROVINCE)


def is_committee(user) -> bool:
    """A community committee with its community: fills and submits the self-assessment."""
    return is_active_user(user) and user.role == Role.COMMUNITY and user.community_id is not None


def can_open_assessment(user, community_id: str) -> bool:
    """Open a community's self-assessment of a year: its own committee (or an administrator)."""
    if is_active_user(user) and (user.role == Role.ADMIN or user.is_superuser):
        return True
    return is_committee(user) and user.community_id == community_id


def is_reviewer(user) -> bool:
    """Reviews at a level of a review chain (street office, city/county or provincial department)."""
    return is_active_user(user) and user.role in REVIEWER_ROLES and regional_column(user) is not None


def can_watch_reviews(user) -> bool:
    """May open the review queue and pages: reviewers, and nationwide users (read-only)."""
    return is_reviewer(user) or is_nationwide(user)


def is_province_staff(user, province_id: str | None = None) -> bool:
    """Provincial department staff (of `province_id`, when given)."""
    if not (is_active_user(user) and user.role == Role.PROVINCE and user.region_id):
        return False
    return province_id is None or user.region_id == province_id


def can_manage_registry(user, province_id: str | None = None) -> bool:
    """Import and change the community registry (of `province_id`): its provincial department or an
    administrator."""
    if is_active_user(user) and (user.role == Role.ADMIN or user.is_superuser):
        return True
    return is_province_staff(user, province_id)


def can_configure_province(user, province_id: str | None = None) -> bool:
    """Set the province's review chain and local standard: its provincial department only."""
    return is_province_staff(user, province_id)


def can_read_standards(user) -> bool:
    """The standards pages: provincial departments (their own province's local standards) and
    nationwide users (every province's, read-only)."""
    return is_province_staff(user) or is_nationwide(user)


def can_read_reports(user) -> bool:
    """Annual reports: provincial departments (their own), the ministry and administrators, and the
    other departments of a provincial unit (its report, which they confirm) or national ones."""
    return is_province_staff(user) or is_nationwide(user) or reads_province_rows(user)


def is_other_department(user) -> bool:
    """An account of another department (发改, 公安 …) with a level it may read at: national,
    provincial, city or county (apps.departments). It reads; it never decides."""
    return is_department(user) and department_column(user) is not None


def reads_province_rows(user) -> bool:
    """A national or provincial other department: reads its unit's reports (or all units')."""
    return is_department(user) and department_province_q(user) is not NOTHING


def can_read_national_pdf(user) -> bool:
    """The national progress PDF: the ministry and administrators, and the national accounts of the
    ministries that issued the notice with the housing ministry (shared with them)."""
    if is_nationwide(user):
        return True
    if not (is_department(user) and department_column(user) == ""):
        return False
    profile = getattr(user, "department_profile", None)
    return profile is not None and profile.department_type.co_ministry


def can_edit_report(user, province_id: str) -> bool:
    """Write, compile and submit the annual report of a unit: its provincial department."""
    return is_province_staff(user, province_id)


def can_see_national(user) -> bool:
    """The national dashboard, snapshot and PDF, returning reports: ministry and administrators."""
    return is_nationwide(user)


def can_explore_figures(user) -> bool:
    """The figures of a region and the communities behind them (drill-down, exports): reviewers of
    every level for their own region and below, nationwide users for all. Committees do not read
    other communities' figures. Other departments read the figures of their area."""
    return is_reviewer(user) or is_nationwide(user) or is_other_department(user)


def can_remind_reports(user) -> bool:
    """Send a reminder (催报) to the provincial units that have not submitted: the ministry."""
    return is_nationwide(user)


def can_read_history(user) -> bool:
    """Account and registry history: provincial departments (their own unit) and nationwide users."""
    return is_province_staff(user) or is_nationwide(user)


def offers_api_docs(user) -> bool:
    """The API documentation (数据接口) in the menu: departments and nationwide users, who connect
    their systems. Community committees work in the browser; the link would only puzzle them."""
    return is_active_user(user) and not is_committee(user)


def can_read_naming(user) -> bool:
    """The naming pages (procedure, batches, objections with the objectors' contacts): provincial
    departments (their own unit), nationwide users (read-only), and the departments of prefecture-
    level cities, which see (and name) only the batches of their city where the province delegated
    the naming to its cities (scope: apps.naming.models.BatchQuerySet.visible_to)."""
    return is_province_staff(user) or is_nationwide(user) or is_city_department(user)


def is_city_department(user) -> bool:
    """The housing department of a prefecture-level city (a province may delegate naming to it)."""
    return prefecture_city_id(user) is not None


def can_explain_flags(user) -> bool:
    """Mark an integrity flag of an assessment in scope as explained: reviewers (street office,
    city/county, province). The ministry reads flags; nobody decides by them."""
    return is_reviewer(user)


def is_expert(user) -> bool:
    """An expert of the site checks (apps.sitechecks): sees only its open assignments."""
    return is_active_user(user) and user.role == Role.EXPERT


def can_read_site_checks(user) -> bool:
    """The site checks' plans, samples and figures: provincial departments (their own unit) and
    nationwide users (read-only)."""
    return is_province_staff(user) or is_nationwide(user)


def menu_inputs(user) -> tuple:
    """Everything of a user that the capabilities the menu shows read (templates/includes/nav.html):
    the menu's links are a function of these, the language and the campaign year, and the menu is
    cached under them (apps.accounts.templatetags.menu). A capability that comes to read anything
    else and shows in the menu adds it here."""
    if not is_active_user(user):
        return ()
    region = user.region if user.region_id else None  # from the shared cache (CachedForeignKey)
    return (
        user.role,
        user.region_id,
        region.level if region else None,
        user.community_id,
        user.is_staff,
        user.is_superuser,
    )


class Capabilities:
    """The capabilities of one user, as attributes for templates (`caps.can_see_national`)."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        check = CAPABILITIES.get(name)
        if check is None:
            raise AttributeError(name)
        value = check(self._user)
        setattr(self, name, value)
        return value


CAPABILITIES = {
    "is_committee": is_committee,
    "offers_api_docs": offers_api_docs,
    "is_reviewer": is_reviewer,
    "can_watch_reviews": can_watch_reviews,
    "is_province_staff": is_province_staff,
    "can_manage_registry": can_manage_registry,
    "can_configure_province": can_configure_province,
    "can_read_standards": can_read_standards,
    "can_read_reports": can_read_reports,
    "can_see_national": can_see_national,
    "can_read_history": can_read_history,
    "can_explore_figures": can_explore_figures,
    "can_remind_reports": can_remind_reports,
    "is_nationwide": is_nationwide,
    "can_manage_accounts": can_manage_accounts,
    "can_read_naming": can_read_naming,
    "is_city_department": is_city_department,
    "can_explain_flags": can_explain_flags,
    "is_other_department": is_other_department,
    "can_read_national_pdf": can_read_national_pdf,
    "is_expert": is_expert,
    "can_read_site_checks": can_read_site_checks,
}
