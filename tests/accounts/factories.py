"""Factories of accounts."""

import factory

from apps.accounts.models import Role, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """An account (default: ministry staff) with the password PASSWORD."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MINISTRY
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CommitteeUserFactory(UserFactory):
    """The committee account of a community (pass `community=`)."""

    username = factory.LazyAttribute(lambda o: f"c{o.community.code}")
    role = Role.COMMUNITY
