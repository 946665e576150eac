"""factory_boy factories. Regions are the real NBS tree loaded by migration; look them up by code."""

import factory

from apps.accounts.models import Role, User
from apps.communities.models import Community
from apps.regions.models import Region


def region(code: str) -> Region:
    return Region.objects.get(pk=code.ljust(12, "0"))


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("code",)

    street = factory.LazyFunction(lambda: region("310104003"))  # 上海市徐汇区 天平路街道
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code[:9]}{(n % 900) + 100:03d}")
    name = factory.Sequence(lambda n: f"测试{n}社区居委会")
    county = factory.LazyAttribute(lambda o: o.street.county)
    city = factory.LazyAttribute(lambda o: o.street.city)
    province = factory.LazyAttribute(lambda o: o.street.province)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MINISTRY
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
