"""The national tile map coloured by distance to target: a switch on the ministry's dashboard
(links, no script), each unit's state written on its tile and drawn as a pattern, the actual and
the target on the tile equal to a direct SQL count."""

from decimal import Decimal

import pytest
from django.urls import reverse

from .conftest import SHANGHAI, YEAR
from .test_progress import sql_actual, targets  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _tile(body: str, code: str) -> str:
    href = reverse("reports:figures_region", kwargs={"year": YEAR, "code": code})
    svg = body.split('data-testid="tilemap"')[1].split("</svg>")[0]
    return svg.split(f'<a href="{href}">')[1].split("</a>")[0]


def test_the_switch_colours_each_unit_by_its_state(targets, client, users):  # noqa: F811
    client.force_login(users["ministry"])
    url = reverse("reports:national", kwargs={"year": YEAR})
    by_share = client.get(url).content.decode()
    assert 'data-colour="share"' in by_share and "tgt-hatch" not in by_share
    switch = by_share.split('data-testid="tile-colour"')[1].split("</nav>")[0]
    assert "按完成率" in switch and "按距目标" in switch and "colour=target" in switch

    body = client.get(url, {"colour": "target", "sort": "name"}).content.decode()
    assert 'data-colour="target"' in body and "各省级单位距目标情况" in body
    # The sort survives the switch, and the switch back keeps the sort.
    assert "colour=share&amp;sort=name" in body.split('data-testid="tile-colour"')[1].split("</nav>")[0]
    expected = sql_actual(SHANGHAI, YEAR, column="province_id")
    assert expected["state"] == "on_track"
    shanghai = _tile(body, SHANGHAI)
    share = f"{expected['share'].quantize(Decimal('0.1'))}%"
    target = f"{expected['target'].normalize():f}%"
    assert f"{share}/{target}" in shanghai and "按计划推进" in shanghai
    assert 'fill="url(#tgt-dots)"' in shanghai
    # Its title says how far it is: 55.6 - 60 = -4.4 points.
    gap = (expected["share"] - expected["target"]).quantize(Decimal("0.1"))
    assert f"相差 {gap:+} 个百分点" in shanghai
    # A unit without a target (Beijing: no registry in this world) is not coloured as behind.
    assert "落后" not in _tile(body, "110000000000")
    # Under the map, the units in each state, in words.
    counts = body.split('data-testid="tile-counts">')[1].split("<")[0]
    assert counts == "达到 0 个 · 按计划推进 1 个 · 落后 0 个 · 未设目标 31 个"
    # The legend says every state in words, with its pattern.
    legend = body.split('data-colour="target"')[1].split("</svg>")[0].split("</a>")[-1]
    for words in ("达到：已达到目标", "按计划推进：参与比例已达目标", "落后", "未设目标"):
        assert words in legend


def test_a_unit_behind_is_hatched(targets, client, users):  # noqa: F811
    from apps.targets import services
    from tests.factories import region

    services.target_set(user=users["ministry"], area=region("31"), year=YEAR, participation="", meeting="95")
    client.force_login(users["ministry"])
    body = client.get(
        reverse("reports:national", kwargs={"year": YEAR}), {"colour": "target"}
    ).content.decode()
    expected = sql_actual(SHANGHAI, YEAR, column="province_id")
    assert expected["state"] == "behind"
    shanghai = _tile(body, SHANGHAI)
    assert "落后" in shanghai and 'fill="url(#tgt-hatch)"' in shanghai and "/95%" in shanghai
