"""axe-core (node_modules/axe-core, installed by `make test` from package.json) over every main page
of every role, at 1280 px and at 390 px: 0 violations of WCAG 2.x A/AA. A failure lists each
violation readably (rule, impact, help, the offending elements)."""

import json
from pathlib import Path

import pytest

from tests.browser.conftest import BROWSER_DB, DESKTOP, PHONE, login
from tests.factories import AssessmentFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 6).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '')"
        ".replace(/\\s+/g, ' ').slice(0, 220))})))",
        TAGS,
    )


def readable(found: dict) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: [{v['id']}] ({v['impact']}) {v['help']}")
            lines.extend(f"      {n}" for n in v["nodes"])
    return "\n".join(lines)


@pytest.fixture
def world(demo_accounts, settings):
    """One submitted assessment (at the district), one draft report, a ministry account."""
    from apps.accounts.models import Role
    from apps.assessments.models import State
    from apps.reports import services as reports
    from tests.factories import UserFactory

    community_user = demo_accounts["community"]
    assessment = AssessmentFactory(
        community=community_user.community, year=2026, user=community_user, state=State.SUBMITTED
    )
    report = reports.annual_report_ensure(province_code="310000000000", year=2026)
    ministry = UserFactory(username="demo-ministry", role=Role.MINISTRY, display_name="住房和城乡建设部")
    return {"assessment": assessment, "report": report, "users": {**demo_accounts, "ministry": ministry}}


def pages_of(role: str, world) -> list[str]:
    a, r = world["assessment"].pk, world["report"].pk
    return {
        "anonymous": ["/accounts/login/", "/public/", "/public/310000000000/2026/"],
        "community": ["/", f"/assessments/{a}/", "/notices/", "/no-such-page/"],
        "street": ["/", "/review/", f"/review/{a}/"],
        "city": ["/", "/review/", f"/review/{a}/", "/notices/", "/communities/"],
        "province": [
            "/",
            "/review/",
            f"/review/{a}/",
            "/review/chain/",
            "/reports/",
            f"/reports/{r}/",
            "/standards/",
            "/history/",
        ],
        "ministry": [
            "/",
            "/reports/national/2026/",
            "/review/?province=310000000000",
            "/standards/",
            "/history/",
        ],
    }[role]


@pytest.mark.parametrize("role", ["anonymous", "community", "street", "city", "province", "ministry"])
def test_every_main_page_has_no_axe_violations(role, world, chromium, live_server):
    assert AXE.exists(), "axe-core is missing: run `make test` (npm install from package.json)"
    if role == "community":
        # The community's pages as it works on them: returned, so that every criterion form is open.
        from apps.review import services as review_services

        review_services.assessment_return(
            assessment=world["assessment"], user=world["users"]["city"], reason="请补充第3条的照片"
        )
    found = {}
    for name, viewport in (("1280", DESKTOP), ("390", PHONE)):
        context = chromium.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20_000)
        if role != "anonymous":
            login(page, live_server, world["users"][role].username)
        for path in pages_of(role, world):
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            violations = axe_violations(page)
            if violations:
                found[f"{role} {path} @{name}"] = violations
        context.close()
    assert not found, "axe-core violations:\n" + readable(found) + "\n" + json.dumps(len(found))
