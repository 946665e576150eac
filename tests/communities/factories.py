"""Factories of the community registry."""

import factory

from apps.communities.models import Community
from tests.regions.factories import region


class CommunityFactory(factory.django.DjangoModelFactory):
    """A community of a street (default 上海市徐汇区 天平路街道), its region columns from the street."""

    class Meta:
        model = Community
        django_get_or_create = ("code",)

    street = factory.LazyFunction(lambda: region("310104003"))  # 上海市徐汇区 天平路街道
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code[:9]}{(n % 900) + 100:03d}")
    name = factory.Sequence(lambda n: f"测试{n}社区居委会")
    county = factory.LazyAttribute(lambda o: o.street.county)
    city = factory.LazyAttribute(lambda o: o.street.city)
    province = factory.LazyAttribute(lambda o: o.street.province)
