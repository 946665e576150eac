"""Demo assessments for `make run`: Shanghai reviews through the chain street office → district →
municipality; its communities (徐汇区 first) of the campaign year sit in every state of that chain
(at each level, returned from the street and from the district, approved, a demonstration community,
revoked), with approved assessments of the previous year. Other provinces keep the default chain.

Everything goes through the services, as real users would do it. Idempotent: a community that
already has an assessment of the year is left alone, so running seed_demo twice changes nothing.
"""

import io
import random
from datetime import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Case, Value, When
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from apps.accounts.models import Role, User
from apps.assessments import services
from apps.assessments.models import Assessment, Rating, State
from apps.assessments.scores import below_pass_mark
from apps.communities.models import Community
from apps.core.campaign import campaign_year
from apps.regions.models import Region
from apps.review import chain_services, submit_services, verdict_services
from apps.review import selectors as review_selectors
from apps.review import services as review_services

SHANGHAI = "310000000000"
XUHUI = "310104000000"
# Shanghai's review chain (2021 campaign): sub-district office → district → municipality.
SHANGHAI_CHAIN = ("street", "county", "province")

# The campaign year's plan, per district: the states to reach, in order of community code. "street",
# "county", "province": waiting at that level; "returned_street" / "returned_county": returned by it.
XUHUI_PLAN = [
    "draft",
    "street",
    "street",
    "county",
    "county",
    "returned_street",
    "returned_county",
    "province",
    "province",
    "approved",
    "approved",
    "demonstration",
    "revoked",
]
OTHER_PLANS = {
    "310101000000": ["street", "county", "province", "approved"],  # 黄浦区
    "310106000000": ["province", "approved"],  # 静安区
    "310115000000": ["approved"],  # 浦东新区
}
PREVIOUS_YEAR_PLAN = {XUHUI: 3, "310101000000": 1}

STATEMENTS = {
    1: "社区党组织牵头，居委会、业委会、物业服务企业协调联动，每月召开联席会议。",
    2: "建立社区环境议事会，居民代表定期参与绿色社区创建事项讨论。",
    5: "全面推行生活垃圾分类，定时定点投放，楼组长轮值督导。",
    12: "辖区住宅小区均已引入专业化物业服务。",
}


# The font the PDFs use (fonts-noto-cjk, installed by `make run`): the demo photos carry Chinese text.
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _font(size: int):
    try:
        return ImageFont.truetype(CJK_FONT, size)
    except OSError:  # the font is missing: Pillow's own font still draws a valid image
        return ImageFont.load_default(size)


# Each community writes its own statement (apps.integrity compares them across the nation): the
# criterion's theme above, then what this community did, composed from these parts.
WHO = ["社区党委", "居委会", "物业公司", "业委会", "志愿者队伍", "网格员", "楼组长", "驻区单位", "老年协会"]
DID = [
    "牵头组织",
    "协调推进",
    "定期开展",
    "全面落实",
    "持续深化",
    "重点抓好",
    "统筹实施",
    "广泛动员",
    "逐户摸排",
]
WHAT = [
    "垃圾分类宣传入户",
    "雨污管网改造",
    "充电设施建设",
    "节水节电讲座",
    "楼道清理整治",
    "再生资源回收",
    "绿化认养",
    "适老化改造",
    "绿色家庭评选",
    "节能路灯更换",
    "口袋公园建设",
    "环保亲子活动",
    "屋顶防水维修",
    "停车位施划",
    "健身步道铺设",
    "旧衣物回收",
    "共享菜园种植",
    "二次供水清洗",
]
# Two communities of the demo street (waiting for demo-street) share a paragraph (criterion 1) and
# a photo (criterion 5): the reviewer sees it on the review page (apps.integrity).
SHARED_PARAGRAPH = (
    "我们在小区东门广场建成了垃圾分类示范亭，配备智能称重设备和积分兑换机，由楼组长和志愿者每天早晚轮值督导，"
    "居民参与率从三成提高到九成以上，并与物业公司签订了分类收运协议，做到日产日清。"
)
SHARED_PLAN_INDEXES = (1, 2)
_SHARED: dict[str, int] = {}


def _pdf(title: str) -> bytes:
    """A minimal one-page PDF (ASCII text: the demo only needs a valid, small file)."""
    stream = f"BT /F1 18 Tf 60 740 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


_FILES: dict = {}


def _photo(key: str, caption: str = "现场照片（演示数据）") -> bytes:
    """A photo-like picture of its own for each community and criterion (coloured shapes on a
    gradient) with a Chinese caption: apps.integrity compares photos across the nation, so the
    demo's must differ."""
    rng = random.Random(key)
    image = Image.new("RGB", (480, 320), tuple(rng.randint(120, 240) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rng.randint(0, 480), rng.randint(0, 320)
        box = (x0, y0, x0 + rng.randint(40, 240), y0 + rng.randint(30, 160))
        fill = tuple(rng.randint(0, 255) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
    draw.rectangle((0, 276, 480, 320), fill=(232, 244, 238))
    draw.text((16, 282), caption, fill=(21, 88, 58), font=_font(24))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _shared_photo(copy: int) -> bytes:
    """The photo two demo communities both submit: the second one resized."""
    data = _photo("shared-facility")
    if copy == 0:
        return data
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGB").resize((360, 240)).save(out, "JPEG", quality=75)
        return out.getvalue()


def _statement(number: int, community: Community) -> str:
    if number == 1 and community.pk in _SHARED:
        return f"{community.name}：{SHARED_PARAGRAPH}"
    if number not in STATEMENTS:
        return f"已按照第{number}条要求开展工作，相关材料见附件。"
    rng = random.Random(f"{community.pk}-{number}")
    parts = [f"{rng.choice(WHO)}{rng.choice(DID)}{rng.choice(WHAT)}" for _ in range(3)]
    return f"{STATEMENTS[number]}{'，'.join(parts)}。"


def _evidence_file(number: int, community: Community | None = None) -> SimpleUploadedFile:
    # Photos for a few criteria, PDFs for the rest.
    if number in (5, 13):
        if number == 5 and community is not None and community.pk in _SHARED:
            copy = _SHARED[community.pk]
            name = "垃圾分类示范亭.png" if copy == 0 else "垃圾分类示范亭.jpg"
            kind = "image/png" if copy == 0 else "image/jpeg"
            return SimpleUploadedFile(name, _shared_photo(copy), content_type=kind)
        key = f"{community.pk if community else 'demo'}-{number}"
        return SimpleUploadedFile(
            f"现场照片-{number}.png",
            _photo(key, f"第{number}条 现场照片（演示数据）"),
            content_type="image/png",
        )
    if "pdf" not in _FILES:
        _FILES["pdf"] = _pdf("Green community - meeting minutes")
    return SimpleUploadedFile(f"会议纪要-{number}.pdf", _FILES["pdf"], content_type="application/pdf")


def _community_user(community: Community, accounts) -> User:
    if accounts["community"].community_id == community.pk:
        return accounts["community"]
    user, created = User.objects.get_or_create(
        username=f"demo-c-{community.pk}",
        defaults={"role": Role.COMMUNITY, "community": community, "display_name": community.name},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _reviewer(region: Region, accounts, *, key: str, role: str, name: str) -> User:
    """The demo account of a street or district (no password: not for logging in), or the demo
    reviewer of its level when it is theirs."""
    if accounts[key].region_id == region.pk:
        return accounts[key]
    user, created = User.objects.get_or_create(
        username=f"demo-{key}-{region.pk[: 9 if key == 'street' else 6]}",
        defaults={"role": role, "region": region, "display_name": name},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _street_user(street: Region, accounts) -> User:
    return _reviewer(street, accounts, key="street", role=Role.STREET, name=f"{street.name}办事处")


def _city_user(county: Region, accounts) -> User:
    return _reviewer(county, accounts, key="city", role=Role.CITY, name=f"{county.name}住房和城乡建设部门")


def _figure(criterion, rating: str, seed: int) -> Decimal | None:
    """A figure in the criterion's unit that agrees with the rating: at least the threshold for met,
    below it otherwise (thresholds are data of the criterion: Shanghai's 12 needs 50 %)."""
    unit = criterion.unit
    if unit is None:
        return None
    threshold = criterion.threshold if criterion.threshold is not None else unit.minimum
    if rating == Rating.MET:
        room = unit.maximum - threshold
        return threshold + (room * ((seed * 7) % 10) / 10).quantize(Decimal("1"))
    return max(unit.minimum, threshold - 5 - seed % 10)


# The approved assessment whose scores the province corrects below the pass mark (Pudong's approved
# one): its approval carries the written reason the portal requires.
BELOW_PASS_SEED = 0


def _self_score(criterion, rating: str, seed: int) -> Decimal | None:
    """A self-score that agrees with the rating under a scored standard (None without points): full
    points or one less for met, about 60 % for largely met, 0 for not met."""
    points = criterion.points
    if points is None:
        return None
    if rating == Rating.NOT_MET:
        return Decimal(0)
    if rating == Rating.LARGELY_MET:
        return (points * Decimal("0.6") * 2).quantize(Decimal("1")) / 2
    return points if (criterion.number + seed) % 5 else max(Decimal(0), points - 1)


def _fill(assessment: Assessment, user: User, *, seed: int, upto: int | None = None) -> None:
    """Answer the criteria (the first `upto` of them, or all): mostly met with evidence, one or two
    largely met or not met; figures from the criterion's unit and threshold; under a scored standard
    (Shanghai's local one) a self-score per criterion that agrees with the rating."""
    responses = assessment.responses.select_related("criterion").order_by("criterion__number")
    for i, response in enumerate(responses):
        if upto is not None and i >= upto:
            break
        n = response.criterion.number
        rating = Rating.MET
        if (n + seed) % 7 == 0:
            rating = Rating.LARGELY_MET
        if n in (3, 11) and seed % 3 == 0:
            rating = Rating.NOT_MET
        services.response_save(
            response=response,
            user=user,
            rating=rating,
            statement=_statement(n, assessment.community),
            figure=_figure(response.criterion, rating, seed),
            self_score=_self_score(response.criterion, rating, seed),
        )
        if rating != Rating.NOT_MET:
            services.evidence_add(
                response=response,
                user=user,
                uploaded_file=_evidence_file(n, assessment.community),
                caption=f"第{n}条佐证材料",
            )


def _confirm(assessment, reviewer, *, seed: int = 0, correct: bool = False) -> None:
    """A level's verdict on every criterion (against the assessment's own standard: 18 criteria
    under Shanghai's local standard). Under a scored standard it confirms each self-score; with
    `correct`, some seeds see criterion 18's score lowered by 2 points, with the reason."""
    for response in assessment.responses.select_related("criterion", "assessment"):
        kwargs = {}
        if response.criterion.points is not None:
            score = response.self_score if response.confirmed_score is None else response.confirmed_score
            number = response.criterion.number
            if correct and seed % 4 == 1 and number == 18 and score:
                score = max(Decimal(0), score - 2)
                kwargs["comment"] = "志愿活动记录只有两个季度，按实际扣2分。"
            elif correct and seed == BELOW_PASS_SEED and number in (17, 18) and score:
                score = Decimal(0)
                kwargs["comment"] = "复核未见相关台账和现场记录，本项不得分。"
            kwargs["score"] = score
        verdict_services.response_review(response=response, user=reviewer, verdict="confirmed", **kwargs)


def _approve(assessment, province) -> Assessment:
    """Approve; below the pass mark of a scored standard with the written reason it needs."""
    assessment.refresh_from_db()
    reason = ""
    if below_pass_mark(assessment, assessment.confirmed_total):
        reason = "两项未达标内容已列入整改计划，街道书面承诺年内完成，予以通过。"
    return review_services.assessment_approve(assessment=assessment, user=province, reason=reason)


def _return(assessment, reviewer, *, seed: int) -> None:
    r12 = assessment.responses.get(criterion__number=12)
    comment = "物业服务覆盖率缺少证明材料，请补充物业合同。"
    verdict_services.response_review(response=r12, user=reviewer, verdict="not_confirmed", comment=comment)
    review_services.assessment_return(
        assessment=assessment,
        user=reviewer,
        reason="佐证材料不完整，请按意见补充后重新提交。",
        comments={12: comment},
    )


def _drive(community, target: str, *, year: int, accounts, seed: int) -> None:
    """Create the community's assessment and take it through the services, level by level of its
    province's chain, to `target`."""
    user = _community_user(community, accounts)
    reviewers = {
        "street": _street_user(community.street, accounts),
        "county": _city_user(community.county, accounts),
        "province": accounts["province"],
    }
    assessment = services.assessment_create(community=community, year=year, user=user)
    if target == "draft":
        _fill(assessment, user, seed=seed, upto=6 + seed % 5)
        return
    _fill(assessment, user, seed=seed)
    assessment = submit_services.assessment_submit(assessment=assessment, user=user)
    chain = review_selectors.chain_for(province_id=community.province_id, year=year)
    for level in chain:
        if target in (level, f"returned_{level}"):
            if target.startswith("returned_"):
                _return(assessment, reviewers[level], seed=seed)
            return
        if level == "province":
            break
        _confirm(assessment, reviewers[level], seed=seed)
        assessment = review_services.assessment_recommend(assessment=assessment, user=reviewers[level])
    province = accounts["province"]
    _confirm(assessment, province, seed=seed, correct=True)
    assessment = _approve(assessment, province)
    if target == "demonstration":
        review_services.demonstration_designate(
            assessment=assessment,
            user=province,
            citation="垃圾分类全覆盖，居民议事机制健全，社区绿化与节能改造成效显著。",
        )
    elif target == "revoked":
        review_services.assessment_revoke(
            assessment=assessment, user=province, reason="复查发现垃圾分类设施撤除，不再符合创建要求。"
        )


def _communities(county_code: str, count: int, *, skip=(), street_first: str = "") -> list[Community]:
    """The first communities of a district by code; those of `street_first` first (the demo street
    office then has work waiting in its own street)."""
    first = Case(When(street_id=street_first, then=Value(0)), default=Value(1))
    qs = Community.objects.filter(county_id=county_code).exclude(pk__in=list(skip))
    return list(qs.order_by(first, "code")[:count])


def _backdate(year: int) -> None:
    """Previous-year approvals happened in that year: move their dates into November of it."""
    tz = timezone.get_current_timezone()
    when = datetime(year, 11, 15, 10, 0, tzinfo=tz)
    Assessment.objects.filter(year=year, state=State.APPROVED).update(
        submitted_at=when, first_submitted_at=when, recommended_at=when, approved_at=when
    )


def seed(*, accounts, stdout) -> None:
    year = campaign_year()
    mine = accounts["community"].community
    done = 0
    # The services e-mail every notice; the demo's e-mails would only flood the console.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        previous = year - 1
        for chain_year in (previous, year):
            if not review_selectors.chain_is_frozen(province_id=SHANGHAI, year=chain_year):
                chain_services.review_chain_set(
                    user=accounts["province"], province_id=SHANGHAI, year=chain_year, levels=SHANGHAI_CHAIN
                )
        # The demo community's own assessment stays a draft, partly filled, for the community pages.
        if not Assessment.objects.filter(community=mine, year=year).exists():
            _drive(mine, "draft", year=year, accounts=accounts, seed=1)
            done += 1
        # Other districts get a first-level account each (no password: not for logging in).
        plans = [(XUHUI, XUHUI_PLAN), *OTHER_PLANS.items()]
        for county, plan in plans:
            stdout.write(f"Assessments of {year}: {Region.objects.get(pk=county).name} ({len(plan)})…")
            stdout.flush()
            communities = _communities(county, len(plan), skip=[mine.pk], street_first=mine.street_id)
            if county == XUHUI:
                _SHARED.update({communities[i].pk: n for n, i in enumerate(SHARED_PLAN_INDEXES)})
            for i, (community, target) in enumerate(zip(communities, plan, strict=False)):
                if Assessment.objects.filter(community=community, year=year).exists():
                    continue
                _drive(community, target, year=year, accounts=accounts, seed=i)
                done += 1
        for county, count in PREVIOUS_YEAR_PLAN.items():
            stdout.write(f"Assessments of {previous}: {Region.objects.get(pk=county).name} ({count})…")
            stdout.flush()
            for i, community in enumerate(_communities(county, count, skip=[mine.pk])):
                if Assessment.objects.filter(community=community, year=previous).exists():
                    continue
                _drive(community, "approved", year=previous, accounts=accounts, seed=i + 2)
                done += 1
        _backdate(previous)
    counts = dict.fromkeys(State.values, 0)
    for state in Assessment.objects.filter(year=year).values_list("state", flat=True):
        counts[state] += 1
    stdout.write(
        f"Assessments: {done} created; {year}: "
        + ", ".join(f"{s} {n}" for s, n in counts.items())
        + f"; {previous}: {Assessment.objects.filter(year=previous, state=State.APPROVED).count()} approved"
    )
