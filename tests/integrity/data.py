"""Generated national data with planted near-copies, for the integrity tests.

Communities in four provinces submit assessments whose statements are composed at random from a pool
of phrases (so unrelated statements share phrases, as real ones do), plus:

- planted statement pairs: one community's statement copied by another, its name and numbers changed
  and a few words edited;
- boilerplate: one model paragraph submitted by more than 50 communities (must not be flagged), and
  statements that only repeat the criterion's text (must not be flagged);
- planted photo pairs: one photo resized and recompressed by another community; one photo taken
  before the campaign year (EXIF date); one truncated JPEG (not comparable).
"""

import hashlib
import io
import random
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from apps.assessments.models import Assessment, Evidence, Response, State
from apps.communities.models import Community
from apps.regions.models import Region
from apps.standards.models import Criterion
from apps.standards.selectors import national_standard
from tests.assessments.factories import AssessmentRowFactory

SUBJECTS = [
    "社区党委",
    "居委会",
    "物业公司",
    "业委会",
    "志愿者队伍",
    "网格员",
    "社区社会组织",
    "共建单位",
    "楼组长",
    "退休党员",
    "驻区企业",
    "青年突击队",
    "妇联执委",
    "老年协会",
]
ACTIONS = [
    "牵头组织",
    "协调推进",
    "定期开展",
    "全面落实",
    "积极参与",
    "持续深化",
    "认真部署",
    "重点抓好",
    "统筹实施",
    "广泛动员",
    "试点推行",
    "联合举办",
    "分批完成",
    "逐户摸排",
]
OBJECTS = [
    "垃圾分类宣传入户",
    "雨污管网改造",
    "电动自行车充电设施建设",
    "节水节电知识讲座",
    "楼道清理整治",
    "再生资源回收点管理",
    "小区绿化认养",
    "无障碍和适老化改造",
    "绿色家庭评选",
    "节能路灯更换",
    "口袋公园建设",
    "环保亲子活动",
    "屋顶防水维修",
    "外墙保温改造",
    "停车位施划",
    "健身步道铺设",
    "厨余垃圾就地处理",
    "旧衣物回收捐赠",
    "雨水花园养护",
    "楼宇门禁升级",
    "消防通道清障",
    "化粪池清掏",
    "居民公约修订",
    "共享菜园种植",
    "光伏车棚试点",
    "二次供水水箱清洗",
    "宠物文明饲养宣传",
    "噪音扰民调解",
]
PLACES = [
    "东门广场",
    "三号楼前",
    "活动中心",
    "北侧空地",
    "幼儿园旁",
    "菜场周边",
    "河道沿岸",
    "老年食堂",
    "文化长廊",
]
PHRASES = [f"{s}{a}{o}" for s in SUBJECTS for a in ACTIONS for o in OBJECTS]
BOILERPLATE = (
    "本社区高度重视绿色社区创建工作，坚持以人民为中心的发展思想，认真贯彻落实上级部署，"
    "各项工作有序推进，取得了阶段性成效，居民满意度不断提高。"
)


@dataclass
class World:
    assessments: list = field(default_factory=list)
    planted_statements: set = field(default_factory=set)  # {(response_id, response_id)}
    planted_photos: set = field(default_factory=set)  # {(evidence_id, evidence_id)}
    old_photos: set = field(default_factory=set)
    broken_photos: set = field(default_factory=set)
    boilerplate_responses: set = field(default_factory=set)
    statement_count: int = 0


def _streets():
    codes = ("310104003", "110101001")
    streets = [Region.objects.get(pk=c.ljust(12, "0")) for c in codes]
    streets.extend(
        Region.objects.filter(level="street", province_id=province.ljust(12, "0")).order_by("code").first()
        for province in ("32", "44")
    )
    return streets


def _statement(rng: random.Random, name: str) -> str:
    parts = [f"在{rng.choice(PLACES)}{p}" if rng.random() < 0.4 else p for p in rng.sample(PHRASES, 4)]
    n = rng.randint(10, 900)
    return f"{name}" + "，".join(parts) + f"，共有{n}户居民参与，完成率{rng.randint(50, 99)}%。"


def edited_copy(text: str, *, old_name: str, new_name: str, rng: random.Random) -> str:
    """What a copier does: another name, other numbers, a few words changed."""
    out = text.replace(old_name, new_name)
    out = "".join(str(rng.randint(0, 9)) if ch.isdigit() else ch for ch in out)
    return out.replace("居民", "群众", 1).replace("开展", "组织开展", 1) + "效果良好。"


def photo_bytes(seed: int, *, size=(640, 480), fmt="JPEG", quality=90, exif_date: str | None = None) -> bytes:
    """A photo-like image: random coloured shapes on a gradient, different for each seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    w, h = size
    base = [rng.randint(0, 255) for _ in range(3)]
    for y in range(0, h, 8):
        draw.rectangle([0, y, w, y + 8], fill=tuple((c + y * rng.randint(0, 2) // 4) % 256 for c in base))
    for _ in range(14):
        x0, y0 = rng.randint(0, w), rng.randint(0, h)
        x1, y1 = x0 + rng.randint(w // 10, w // 2), y0 + rng.randint(h // 10, h // 2)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=colour)
    return encode(image, fmt=fmt, quality=quality, exif_date=exif_date)


def encode(image: Image.Image, *, fmt="JPEG", quality=90, exif_date: str | None = None) -> bytes:
    out = io.BytesIO()
    params = {"quality": quality} if fmt == "JPEG" else {}
    if exif_date:
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9003] = exif_date
        exif[0x0132] = exif_date
        params["exif"] = exif.tobytes()
    image.save(out, fmt, **params)
    return out.getvalue()


def resized_recompressed(data: bytes, *, scale=0.5, quality=60) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB").resize((int(image.width * scale), int(image.height * scale)))
        return encode(small, quality=quality)


def add_evidence(response: Response, data: bytes, *, kind="jpeg", captured_on=None) -> Evidence:
    evidence = Evidence(
        response=response,
        original_name="photo.jpg",
        caption=f"照片 {response.criterion.number}",
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        submitted_round=1,
        captured_on=captured_on,
    )
    evidence.file.save("x.jpg", ContentFile(data), save=False)
    evidence.save()
    return evidence


def build_world(*, communities_per_street=15, year=2023, seed=7, photos=True) -> World:
    """Submitted assessments of `year` (and a few of the year before) with planted pairs."""
    rng = random.Random(seed)
    world = World()
    standard = national_standard()
    criteria = list(Criterion.objects.filter(standard=standard).order_by("number"))
    communities = [
        Community(
            code=f"{street.code[:9]}{200 + i:03d}",
            name=f"{street.name[:2]}第{s}{i:02d}号社区居委会",
            street=street,
            county=street.county,
            city=street.city,
            province=street.province,
        )
        for s, street in enumerate(_streets())
        for i in range(communities_per_street)
    ]
    Community.objects.bulk_create(communities, ignore_conflicts=True)
    now = timezone.now()
    assessments = Assessment.objects.bulk_create(
        [
            AssessmentRowFactory.build(
                community=c,
                year=year if k % 7 else year - 1,
                standard=standard,
                state=State.SUBMITTED,
                submitted_at=now,
                first_submitted_at=now,
            )
            for k, c in enumerate(communities)
        ]
    )
    by_id = {c.code: c for c in communities}
    responses = []
    boilerplate_pool = set(rng.sample(range(len(assessments)), 55))
    for k, a in enumerate(assessments):
        name = by_id[a.community_id].name
        for criterion in criteria:
            if criterion.number == 3 and k in boilerplate_pool:
                text = BOILERPLATE
            elif criterion.number == 4 and k % 3 == 0:
                text = f"已按要求落实：{criterion.text_zh}"
            elif criterion.number == 6 and k % 5 == 0:
                text = "已完成。"
            else:
                text = _statement(rng, name)
            responses.append(Response(assessment=a, criterion=criterion, rating="met", statement=text))
    Response.objects.bulk_create(responses)
    world.assessments = assessments
    world.statement_count = len(responses)
    rows = {(r.assessment_id, r.criterion.number): r for r in responses}
    for a in assessments:
        a.community_name = by_id[a.community_id].name
    world.boilerplate_responses = {rows[(assessments[k].pk, 3)].pk for k in boilerplate_pool}
    # Planted statement copies: across provinces, years and criteria.
    pairs = [(0, 20, 1, 1), (5, 35, 2, 2), (17, 48, 7, 9), (30, 59, 11, 11), (2, 45, 15, 14), (21, 9, 13, 13)]
    for src, dst, c_src, c_dst in pairs:
        a, b = assessments[src], assessments[dst]
        original = rows[(a.pk, c_src)]
        copy = rows[(b.pk, c_dst)]
        copy.statement = edited_copy(
            original.statement, old_name=a.community_name, new_name=b.community_name, rng=rng
        )
        copy.save(update_fields=["statement"])
        world.planted_statements.add(frozenset((original.pk, copy.pk)))
    if photos:
        for k, a in enumerate(assessments[:24]):
            add_evidence(rows[(a.pk, 1)], photo_bytes(1000 + k))
        # Planted photo pairs: resized and recompressed (and a byte-identical one).
        for j, (src, dst) in enumerate([(0, 40), (3, 50), (7, 26)]):
            data = photo_bytes(5000 + j)
            first = add_evidence(rows[(assessments[src].pk, 2)], data)
            second = add_evidence(
                rows[(assessments[dst].pk, 2)],
                resized_recompressed(data, scale=0.5 + 0.1 * j, quality=55 + 10 * j),
            )
            world.planted_photos.add(frozenset((first.pk, second.pk)))
        same = photo_bytes(6000)
        first = add_evidence(rows[(assessments[11].pk, 8)], same)
        second = add_evidence(rows[(assessments[33].pk, 8)], same)
        world.planted_photos.add(frozenset((first.pk, second.pk)))
        old = add_evidence(
            rows[(assessments[1].pk, 10)],
            photo_bytes(7000, exif_date=f"{year - 3}:05:01 10:00:00"),
            captured_on=None,
        )
        world.old_photos.add(old.pk)
        broken = add_evidence(rows[(assessments[4].pk, 10)], photo_bytes(7100)[:1500])
        world.broken_photos.add(broken.pk)
    return world


SHARED_PARAGRAPH = (
    "社区党委牵头组织垃圾分类宣传入户，在东门广场设置了再生资源回收点并定时开放，物业公司协调推进雨污管网改造，"
    "志愿者队伍定期开展节水节电知识讲座，共有356户居民参与，完成率87%。"
)


def submitted_assessment(community: Community, *, year: int = 2023) -> tuple[Assessment, dict]:
    """A submitted assessment of `community` (built directly, without the form): its responses by
    criterion number, each with a statement of its own."""
    standard = national_standard()
    now = timezone.now()
    assessment = AssessmentRowFactory(
        community=community,
        year=year,
        standard=standard,
        state=State.SUBMITTED,
        submitted_at=now,
        first_submitted_at=now,
    )
    rng = random.Random(community.code)
    responses = Response.objects.bulk_create(
        [
            Response(
                assessment=assessment, criterion=c, rating="met", statement=_statement(rng, community.name)
            )
            for c in Criterion.objects.filter(standard=standard).order_by("number")
        ]
    )
    return assessment, {r.criterion.number: r for r in responses}
