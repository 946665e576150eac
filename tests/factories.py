"""The factories of every app in one import, for the tests that use several (each app's factories
live in tests/<app>/factories.py)."""

from tests.accounts.factories import CommitteeUserFactory, UserFactory
from tests.assessments.factories import AssessmentFactory, AssessmentRowFactory
from tests.communities.factories import CommunityFactory
from tests.regions.factories import region

__all__ = [
    "AssessmentFactory",
    "AssessmentRowFactory",
    "CommitteeUserFactory",
    "CommunityFactory",
    "UserFactory",
    "region",
]
