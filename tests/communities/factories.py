"""Factories of the community registry."""

import factory

from apps.communities.models import Community
from tests.regions.factories import region


def free_code(street, n: int) -> str:
    """The first code of `street` from the n-th on (100-999, wrapping) that no community holds yet:
    a long run creates more than 900 communities, and tests write some codes of their own."""
    taken = set(Community.objects.filter(street=street).values_list("code", flat=True))
    for k in range(900):
        code = f"{street.code[:9]}{(n + k) % 900 + 100:03d}"
        if code not in taken:
            return code
    raise RuntimeError(f"no free community code left in street {street.code}")


class CommunityFactory(factory.django.DjangoModelFactory):
    """A community of a street (default 上海市徐汇区 天平路街道), its region columns from the street."""

    class Meta:
        model = Community
        django_get_or_create = ("code",)

    street = factory.LazyFunction(lambda: region("310104003"))  # 上海市徐汇区 天平路街道
    code = factory.LazyAttributeSequence(lambda o, n: free_code(o.street, n))
    name = factory.Sequence(lambda n: f"测试{n}社区居委会")
    county = factory.LazyAttribute(lambda o: o.street.county)
    city = factory.LazyAttribute(lambda o: o.street.city)
    province = factory.LazyAttribute(lambda o: o.street.province)
