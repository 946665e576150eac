"""Two copies of every kind of object, one in 上海市徐汇区 (in scope of the Shanghai users) and one in
北京市东城区 (outside it), plus one user per role. Objects are built lazily: a URL about evidence
builds the assessment and evidence, a URL about a community only the community.

To cover a new kind of object, add a builder to BUILDERS: it takes (world, side) and returns the
object; `world.marker(kind, side)` gives a text that appears in that object's pages (it must not
appear in any refusal)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Role
from apps.assessments import services
from apps.review import services as review_services
from apps.review import submit_services
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region

STREETS = {"inside": "310104003", "outside": "110101001"}
NAMES = {"inside": "徐汇矩阵社区居委会", "outside": "东城矩阵社区居委会"}


def pdf_bytes(token: str) -> bytes:
    return f"%PDF-1.4\n% {token}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 70)).save(buf, "PNG")
    return buf.getvalue()


def build_community(world, side):
    return CommunityFactory(street=region(STREETS[side]), name=NAMES[side])


def build_committee_user(world, side):
    return UserFactory(
        username=f"committee-{side}{world.suffix}",
        role=Role.COMMUNITY,
        community=world.get("community", side),
    )


def build_assessment(world, side):
    return AssessmentFactory(
        community=world.get("community", side),
        year=2026,
        user=world.get("committee_user", side),
        answered=False,
    )


def build_response(world, side):
    return world.get("assessment", side).responses.get(criterion__number=1)


def build_evidence(world, side):
    response = world.get("response", side)
    user = world.get("committee_user", side)
    # A photo, so that the thumbnail URL has something to serve.
    return services.evidence_add(
        response=response,
        user=user,
        uploaded_file=SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png"),
    )


def build_filled(world, side):
    """An assessment answered in full, one PDF per criterion: ready to submit."""
    from tests.assessments.conftest import fill

    return fill(world.get("assessment", side), world.get("committee_user", side))


def build_submitted(world, side):
    """Submitted for first-level review: round 1 exists."""
    return submit_services.assessment_submit(
        assessment=world.get("filled", side), user=world.get("committee_user", side)
    )


def reviewer(world, side, role):
    """A reviewer of the side's region (the inside ones are the world's acting users)."""
    if side == "inside":
        return world.user(role)
    code = {"street": "110101001", "city": "110101", "province": "11"}[role]
    return UserFactory(username=f"matrix-{role}-{side}{world.suffix}", role=role, region=region(code))


def build_recommended(world, side):
    assessment = world.get("submitted", side)
    return review_services.assessment_recommend(assessment=assessment, user=reviewer(world, side, "city"))


def build_approved(world, side):
    assessment = world.get("recommended", side)
    return review_services.assessment_approve(assessment=assessment, user=reviewer(world, side, "province"))


def build_flag(world, side):
    """An integrity flag on the side's submitted assessment (an image that could not be compared)."""
    from apps.integrity.models import Flag, FlagKind

    assessment = world.get("submitted", side)
    response = assessment.responses.get(criterion__number=1)
    return Flag.objects.create(
        assessment=assessment,
        response=response,
        kind=FlagKind.NOT_COMPARABLE,
        key=f"matrix:{side}:{assessment.pk}",
    )


PROVINCES = {"inside": "310000000000", "outside": "110000000000"}
REPORT_MARKERS = {"inside": "沪矩阵报告工作机制", "outside": "京矩阵报告工作机制"}
NOTICE_MARKERS = {"inside": "徐汇矩阵通知:请查看审核意见", "outside": "东城矩阵通知:请查看审核意见"}


def build_annual_report(world, side):
    """The provincial unit's 2026 report (draft), its narrative carrying the side's marker."""
    from apps.reports import services as report_services
    from apps.reports.models import NARRATIVE_FIELDS

    report = report_services.annual_report_ensure(province_code=PROVINCES[side], year=2026)
    for name in NARRATIVE_FIELDS:
        setattr(report, name, "已按要求落实。")
    report.mechanism = REPORT_MARKERS[side]
    report.save(update_fields=list(NARRATIVE_FIELDS))
    return report


def build_compiled_report(world, side):
    """A report with compiled figures and a current PDF (served without rendering)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    report = world.get("annual_report", side)
    report.compiled_at = timezone.now()
    report.figures = {}
    report.pdf.save(f"matrix-{side}.pdf", ContentFile(pdf_bytes(REPORT_MARKERS[side])), save=False)
    report.pdf_compiled_at = report.compiled_at
    report.save()
    return report


def build_submitted_report(world, side):
    from apps.reports import services as report_services
    from apps.reports.models import ReportState

    report = world.get("annual_report", side)
    if report.state == ReportState.SUBMITTED:  # POST routes: an earlier role's world submitted it
        return report
    return report_services.annual_report_submit(
        report=report, user=reviewer(world, side, "province"), expected_version=None
    )


def build_national_snapshot(world, side):
    """The national snapshot of 2026 with a current PDF. Not regional: only the inside side exists."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from apps.reports.models import NationalSnapshot

    snapshot = NationalSnapshot.objects.filter(year=2026).first()
    if snapshot is None:  # POST routes build one world per role in the same database
        now = timezone.now()
        snapshot = NationalSnapshot(year=2026, figures={}, compiled_at=now, pdf_compiled_at=now)
        snapshot.pdf.save("matrix-national.pdf", ContentFile(pdf_bytes("national")), save=False)
        snapshot.save()
    return snapshot


def build_compile_job(world, side):
    """A finished compile job of the side's provincial unit (as the province's staff asked it)."""
    from apps.reports.models import CompileJob, JobKind, JobState

    return CompileJob.objects.create(
        kind=JobKind.PROVINCE,
        year=2026,
        province_id=PROVINCES[side],
        state=JobState.DONE,
        requested_by=reviewer(world, side, "province"),
    )


def build_notice(world, side):
    """A notice to the side's committee member (notices are per recipient, whatever the role)."""
    from apps.notices.models import Notice

    return Notice.objects.create(
        recipient=world.get("committee_user", side), text=NOTICE_MARKERS[side], url="/"
    )


def build_import_token(world, side):
    """A pending registry import (a file of one community of the side's street) under a random
    token. `session` is what the upload step remembers in its uploader's session: the token works
    in that session only."""
    import secrets
    from types import SimpleNamespace

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from apps.communities.importing import TEMPLATE_HEADER

    token = secrets.token_urlsafe(16)
    street = STREETS[side].ljust(12, "0")
    text = ",".join(TEMPLATE_HEADER) + f"\n{street[:9]}999,{NAMES[side]}导入,{street}\n"
    name = default_storage.save(f"imports/{token}", ContentFile(text.encode()))
    session = {"registry_imports": {token: {"name": name, "filename": "registry.csv"}}}
    return SimpleNamespace(token=token, session=session)


STANDARD_MARKERS = {"inside": "沪矩阵本地标准", "outside": "京矩阵本地标准"}


def _standard_year() -> int:
    # The year after the campaign year: no assessment of the world opens it (frozen otherwise).
    from apps.core.campaign import campaign_year

    return campaign_year() + 1


def build_standard_draft(world, side):
    """The side's province's draft local standard (a copy of the national one, publishable as it
    is), its name carrying the side's marker. POST routes share the database: an existing draft is
    reused."""
    from apps.standards import services as standard_services
    from apps.standards.models import StandardVersion
    from apps.standards.selectors import national_standard

    province = region(PROVINCES[side])
    draft = StandardVersion.objects.filter(province=province, year=_standard_year(), state="draft").first()
    if draft is None:
        draft = standard_services.standard_draft_start(
            user=reviewer(world, side, "province"),
            province=province,
            year=_standard_year(),
            source=national_standard(),
        )
    StandardVersion.objects.filter(pk=draft.pk).update(title_zh=STANDARD_MARKERS[side])
    draft.refresh_from_db()
    return draft


def build_standard_published(world, side):
    """The side's province's published local standard of the year (reused when it exists)."""
    from apps.standards import services as standard_services
    from apps.standards.models import StandardVersion

    published = StandardVersion.objects.filter(
        province_id=PROVINCES[side], year=_standard_year(), state="published"
    ).first()
    if published is not None:
        return published
    draft = world.get("standard_draft", side)
    return standard_services.standard_publish(standard=draft, user=reviewer(world, side, "province"))


def build_standard_national(world, side):
    """The national standard (not regional) and the year a draft may be started for."""
    from types import SimpleNamespace

    from apps.standards.selectors import national_standard

    return SimpleNamespace(pk=national_standard().pk, year=_standard_year())


def build_api_token(world, side):
    from apps.api.services import issue_token

    return issue_token(user=world.get("committee_user", side), name=f"matrix-{side}")[0]


def _proposed(world, side):
    """The side's assessment proposed by its province under the province's naming procedure."""
    from apps.naming import services as naming_services
    from apps.naming.models import NamingProcedure

    province_user = reviewer(world, side, "province")
    if not NamingProcedure.objects.filter(province_id=PROVINCES[side], year=2026).exists():
        naming_services.naming_procedure_set(
            user=province_user,
            province_id=PROVINCES[side],
            year=2026,
            notice_days=7,
            day_kind="calendar",
            namer="province",
        )
    recommended = world.get("recommended", side)
    recommended.refresh_from_db()
    if recommended.state == "proposed":  # a batch and a site-check plan both start from it
        return recommended
    return review_services.assessment_approve(assessment=recommended, user=province_user)


def build_draft_batch(world, side):
    """A draft batch of the side's proposed community (its title carries the community's name)."""
    from django.utils import timezone

    from apps.naming import services as naming_services

    proposed = _proposed(world, side)
    return naming_services.batch_create(
        user=reviewer(world, side, "province"),
        province_id=PROVINCES[side],
        year=2026,
        title=f"矩阵批次 {NAMES[side]}",
        notice_start=timezone.localdate(),
        assessment_ids=[proposed.pk],
    )


def build_batch(world, side):
    """The draft, published: in public notice from today."""
    from apps.naming import services as naming_services

    return naming_services.batch_publish(
        user=reviewer(world, side, "province"), batch=world.get("draft_batch", side)
    )


def build_objection(world, side):
    """A public objection to the side's community in the published batch, with one PDF."""
    from apps.naming import objections as naming_objections

    batch = world.get("batch", side)
    return naming_objections.objection_submit(
        batch=batch,
        assessment_id=batch.entries.get().assessment_id,
        text="矩阵异议",
        name="矩阵异议人",
        phone="13800000000",
        uploads=[SimpleUploadedFile("letter.pdf", pdf_bytes("objection"), content_type="application/pdf")],
    )


def department_user(username: str, place, code: str = "public_security"):
    """Another department's account (上海市公安局 for the world's department role), its type checking
    criterion 1 (the criterion of the world's evidence)."""
    from apps.departments.models import DepartmentProfile, DepartmentType, OwnedCriterion
    from apps.standards.models import Criterion

    user = UserFactory(username=username, role=Role.DEPARTMENT, region=place, display_name="上海市公安局")
    kind = DepartmentType.objects.get(code=code, province__isnull=True)
    DepartmentProfile.objects.get_or_create(user=user, defaults={"department_type": kind})
    for criterion in Criterion.objects.filter(number=1, standard__province__isnull=True):
        OwnedCriterion.objects.get_or_create(criterion=criterion, defaults={"department_type": kind})
    return user


def build_consultation(world, side):
    """The side's draft batch sent to its province's public security department for an opinion."""
    from django.utils import timezone

    from apps.departments import consulting
    from apps.departments.models import DepartmentType

    return consulting.consultation_send(
        user=reviewer(world, side, "province"),
        batch=world.get("draft_batch", side),
        department_type_ids=[DepartmentType.objects.get(code="public_security").pk],
        deadline=timezone.localdate(),
    )[0]


def build_department_objection(world, side):
    """The side's public security department objects to the batch's community."""
    from apps.departments import consulting

    consultation = world.get("consultation", side)
    answerer = department_user(f"matrix-gongan-{side}{world.suffix}", region(PROVINCES[side]))
    consultation = consulting.consultation_answer(
        user=answerer,
        consultation=consultation,
        answer="objection",
        objections={consultation.batch.entries.get().pk: "矩阵部门意见"},
    )
    return consultation.objections.get()


def build_report_signature(world, side):
    """The side's annual report, with its province's public security department taking part."""
    from apps.departments import services as department_services
    from apps.departments.models import DepartmentType

    (signature,) = department_services.report_departments_set(
        actor=reviewer(world, side, "province"),
        report=world.get("annual_report", side),
        department_type_ids=[DepartmentType.objects.get(code="public_security", province__isnull=True).pk],
    )
    return signature


def build_department_type(world, side):
    """A department type the side's province added to its list (水务; POST routes build one world
    per role in the same database: the type is put back on the list)."""
    from apps.departments import services as department_services
    from apps.departments.models import DepartmentType

    existing = DepartmentType.objects.filter(province_id=PROVINCES[side], name="水务").first()
    if existing is not None:
        DepartmentType.objects.filter(pk=existing.pk).update(active=True)
        return existing
    return department_services.department_type_add(
        actor=reviewer(world, side, "province"), province_id=PROVINCES[side], name="水务"
    )


def build_creation_list_entry(world, side):
    """The side's community on its district's creation list of 2026 (reused when it exists)."""
    from apps.targets import services as target_services
    from apps.targets.models import CreationListEntry

    community = world.get("community", side)
    entry = CreationListEntry.objects.filter(community=community, year=2026).first()
    if entry is None:
        target_services.creation_list_add(
            user=reviewer(world, side, "city"), year=2026, codes=[community.code]
        )
        entry = CreationListEntry.objects.get(community=community, year=2026)
    return entry


def build_plan(world, side):
    """The side's province's implementation plan, filed with the ministry (reused when it exists)."""
    import datetime as dt

    from apps.targets import services as target_services
    from apps.targets.models import ImplementationPlan

    plan = ImplementationPlan.objects.filter(area_id=PROVINCES[side]).first()
    if plan is None:
        plan = target_services.plan_file(
            user=reviewer(world, side, "province"),
            uploaded_file=SimpleUploadedFile("plan.pdf", pdf_bytes(f"plan-{side}")),
            document_number=f"矩阵〔2020〕{side}号",
            issued_on=dt.date(2020, 8, 1),
            co_issuers="",
            period_from=2020,
            period_to=2022,
        )
    return plan


def build_poster_job(world, side):
    """A finished poster job for the side's district (apps.residents)."""
    from django.core.files.base import ContentFile

    from apps.residents.models import PosterJob

    community = world.get("community", side)
    job = PosterJob.objects.create(region=community.county, total=1, done=1, state="done")
    job.file.save("posters.pdf", ContentFile(pdf_bytes(f"posters {side}")))
    return job


def build_site_plan(world, side):
    """The side's inspection plan of 2026: every proposed community drawn (the side's community),
    one group led by the side's expert (the world's acting expert inside)."""
    from apps.sitechecks import services as site_services
    from apps.sitechecks.models import InspectionPlan

    province_user = reviewer(world, side, "province")
    # Worlds of one test share the database: the plan (and its draw) is made once per side.
    plan = InspectionPlan.objects.filter(province_id=PROVINCES[side], year=2026).first()
    if plan is None:
        _proposed(world, side)
        plan = site_services.plan_set(
            user=province_user, province_id=PROVINCES[side], year=2026, rule="all", value=0, seed="matrix"
        )
        site_services.sample_draw(user=province_user, plan=plan)
    expert = world.user("expert") if side == "inside" else matrix_expert(world, side)
    plan.matrix_group = site_services.group_create(
        user=province_user, plan=plan, name=f"矩阵检查组{side}", leader_id=expert.pk, member_ids=[expert.pk]
    )
    return plan


def matrix_expert(world, side):
    from apps.sitechecks.models import Expert

    user = UserFactory(username=f"matrix-expert-{side}{world.suffix}", role=Role.EXPERT)
    Expert.objects.get_or_create(user=user, defaults={"pool_id": PROVINCES[side]})
    return user


def build_site_sample(world, side):
    """The side's drawn community, held and not assigned (the group to assign: `group_pk`)."""
    from apps.sitechecks.selectors import current_entries

    plan = world.get("site_plan", side)
    sample = current_entries(plan).get()
    sample.group_pk = plan.matrix_group.pk
    return sample


def build_site_assignment(world, side):
    from apps.sitechecks import services as site_services
    from apps.sitechecks.models import Assignment, SampleEntry

    plan = world.get("site_plan", side)
    sample = world.get("site_sample", side)
    # Another world's assignment of the same community (one test, one database) is closed first.
    Assignment.objects.filter(sample=sample, state="open").update(state="done")
    SampleEntry.objects.filter(pk=sample.pk).update(state="held")
    sample.refresh_from_db()
    return site_services.assignment_create(
        user=reviewer(world, side, "province"), sample=sample, group=plan.matrix_group
    )


def build_site_photo(world, side):
    import uuid

    from apps.sitechecks import services as site_services
    from apps.sitechecks.models import InspectionPhoto

    assignment = world.get("site_assignment", side)
    site_services.item_upload(
        user=assignment.group.leader,
        assignment_pk=assignment.pk,
        inspection_id=uuid.uuid4(),
        item_id=uuid.uuid4(),
        criterion_number=1,
        verdict="met",
        photo_uploads=[
            {
                "device_id": uuid.uuid4(),
                "file": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
            }
        ],
    )
    return InspectionPhoto.objects.get(item__inspection__assignment=assignment)


BUILDERS = {
    "poster_job": build_poster_job,
    "department_type": build_department_type,
    "report_signature": build_report_signature,
    "consultation": build_consultation,
    "department_objection": build_department_objection,
    "site_plan": build_site_plan,
    "site_sample": build_site_sample,
    "site_assignment": build_site_assignment,
    "site_photo": build_site_photo,
    "plan": build_plan,
    "creation_list_entry": build_creation_list_entry,
    "draft_batch": build_draft_batch,
    "batch": build_batch,
    "objection": build_objection,
    "objection_file": lambda world, side: world.get("objection", side).files.get(),
    "api_token": build_api_token,
    "community": build_community,
    "committee_user": build_committee_user,
    "assessment": build_assessment,
    "response": build_response,
    "evidence": build_evidence,
    "filled": build_filled,
    "submitted": build_submitted,
    "recommended": build_recommended,
    "approved": build_approved,
    "flag": build_flag,
    "annual_report": build_annual_report,
    "compiled_report": build_compiled_report,
    "submitted_report": build_submitted_report,
    "national_snapshot": build_national_snapshot,
    "compile_job": build_compile_job,
    "notice": build_notice,
    "import_token": build_import_token,
    "annual_report_row": lambda world, side: world.get("annual_report", side),
    "standard_draft": build_standard_draft,
    "standard_published": build_standard_published,
    "standard_national": build_standard_national,
}

# Kinds whose pages show a text other than the community's name.
REPORT_KINDS = ("annual_report", "compiled_report", "submitted_report")


class World:
    def __init__(self, suffix: str = ""):
        # Several worlds in one test (one per role for POST routes) need distinct usernames.
        self.suffix = suffix
        self._objects = {}
        self._users = {}

    def get(self, kind: str, side: str):
        key = (kind, side)
        if key not in self._objects:
            self._objects[key] = BUILDERS[kind](self, side)
        return self._objects[key]

    def marker(self, kind: str, side: str) -> str:
        """A text of the object that must never appear in a refusal (the community's name; a
        report's narrative)."""
        if kind in REPORT_KINDS:
            return REPORT_MARKERS[side]
        if kind in ("standard_draft", "standard_published"):
            self.get(kind, side)
            return STANDARD_MARKERS[side]
        if kind == "notice":
            self.get("notice", side)
            return NOTICE_MARKERS[side]
        if kind == "annual_report_row":
            # A list of reports shows the unit's code, not the narrative.
            self.get("annual_report", side)
            return PROVINCES[side]
        if kind == "import_token":
            return f"{NAMES[side]}导入"
        if kind in ("national_snapshot", "compile_job", "committee_user", "standard_national", "api_token"):
            return None
        self.get("community", side)
        return NAMES[side]

    def user(self, role: str):
        """The acting user of a role (None: anonymous). The community user is inside's committee."""
        if role == "anonymous":
            return None
        if role not in self._users:
            if role == "community":
                user = self.get("committee_user", "inside")
            elif role == "street":
                user = UserFactory(
                    username=f"matrix-tianping{self.suffix}", role=Role.STREET, region=region("310104003")
                )
            elif role == "city":
                user = UserFactory(
                    username=f"matrix-xuhui{self.suffix}", role=Role.CITY, region=region("310104")
                )
            elif role == "province":
                user = UserFactory(
                    username=f"matrix-shanghai{self.suffix}", role=Role.PROVINCE, region=region("31")
                )
            elif role == "ministry":
                user = UserFactory(username=f"matrix-ministry{self.suffix}", role=Role.MINISTRY)
            elif role == "department":
                user = department_user(f"matrix-gongan{self.suffix}", region("31"))
            elif role == "expert":
                from apps.sitechecks.models import Expert

                user = UserFactory(username=f"matrix-expert{self.suffix}", role=Role.EXPERT)
                Expert.objects.get_or_create(user=user, defaults={"pool_id": PROVINCES["inside"]})
            else:
                user = UserFactory(
                    username=f"matrix-admin{self.suffix}", role=Role.ADMIN, is_staff=True, is_superuser=True
                )
            self._users[role] = user
        return self._users[role]


def resolve_attr(obj, path: str):
    if path.startswith("="):
        return path[1:]
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj
