"""Demo accounts for `make run` (Shanghai, 徐汇区). Never run in production: seed_demo checks DEBUG."""

import os

from apps.accounts.models import Role, User
from apps.communities.models import Community
from apps.regions.models import Region

DEMO_PASSWORD_DEFAULT = "greencommunity-demo"  # noqa: S105  (documented demo password)
SHANGHAI = "310000000000"
XUHUI = "310104000000"
TIANPING = "310104003000"  # 天平路街道, the street of demo-community


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT


def _account(username, *, role, display_name, region=None, community=None, staff=False):
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "role": role,
            "display_name": display_name,
            "region": region,
            "community": community,
            "is_staff": staff,
            "is_superuser": staff,
            "email": f"{username}@example.org",
        },
    )
    user.set_password(demo_password())
    user.save(update_fields=["password"])
    return user


def seed_demo_accounts() -> dict[str, User]:
    xuhui = Region.objects.get(pk=XUHUI)
    street = Region.objects.get(pk=TIANPING)
    community = Community.objects.filter(street=street).order_by("code").first()
    if community is None:
        raise RuntimeError("Load Shanghai's registry first: import_communities ... --province 31")
    return {
        "community": _account(
            "demo-community", role=Role.COMMUNITY, display_name=community.name, community=community
        ),
        "street": _account(
            "demo-street", role=Role.STREET, display_name="徐汇区天平路街道办事处", region=street
        ),
        "city": _account(
            "demo-city", role=Role.CITY, display_name="徐汇区住房和城乡建设管理委员会", region=xuhui
        ),
        "province": _account(
            "demo-province",
            role=Role.PROVINCE,
            display_name="上海市住房和城乡建设管理委员会",
            region=Region.objects.get(pk=SHANGHAI),
        ),
        "ministry": _account("demo-ministry", role=Role.MINISTRY, display_name="住房和城乡建设部城市建设司"),
        "admin": _account("demo-admin", role=Role.ADMIN, display_name="系统管理员", staff=True),
    }
