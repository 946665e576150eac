"""Two copies of every kind of object, one in 上海市徐汇区 (in scope of the Shanghai users) and one in
北京市东城区 (outside it), plus one user per role. Objects are built lazily: a URL about evidence
builds the assessment and evidence, a URL about a community only the community.

To cover a new kind of object, add a builder to BUILDERS: it takes (world, side) and returns the
object; `world.marker(kind, side)` gives a text that appears in that object's pages (it must not
appear in any refusal)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Role
from apps.assessments import services
from tests.factories import CommunityFactory, UserFactory, region

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
    return services.assessment_create(
        community=world.get("community", side), year=2026, user=world.get("committee_user", side)
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


BUILDERS = {
    "community": build_community,
    "committee_user": build_committee_user,
    "assessment": build_assessment,
    "response": build_response,
    "evidence": build_evidence,
}


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
        """A text of the object that must never appear in a refusal (the community's name)."""
        self.get("community", side)
        return NAMES[side]

    def user(self, role: str):
        """The acting user of a role (None: anonymous). The community user is inside's committee."""
        if role == "anonymous":
            return None
        if role not in self._users:
            if role == "community":
                user = self.get("committee_user", "inside")
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
            else:
                user = UserFactory(
                    username=f"matrix-admin{self.suffix}", role=Role.ADMIN, is_staff=True, is_superuser=True
                )
            self._users[role] = user
        return self._users[role]


def resolve_attr(obj, path: str):
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj
