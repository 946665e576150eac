from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import province_scope_q

from .workflow import chain_from_text, level_name


class ReviewChainQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_scope_q(user))


class ReviewChain(models.Model):
    """The review levels of one provincial unit for one campaign year (apps.review.workflow), in
    order, ending at the province. Frozen once an assessment of that year has been submitted."""

    province = models.ForeignKey(
        "regions.Region", verbose_name=_("Provincial unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    levels = models.CharField(_("Review levels"), max_length=60)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("Set at"))

    objects = ReviewChainQuerySet.as_manager()

    class Meta:
        verbose_name = _("Review chain")
        verbose_name_plural = _("Review chains")
        ordering = ["province_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="review_chain_one_per_year")]

    def __str__(self):
        return f"{self.province_id} {self.year}: {self.levels}"

    @property
    def chain(self) -> tuple[str, ...]:
        return chain_from_text(self.levels)

    @property
    def level_names(self) -> str:
        chain = self.chain
        return " → ".join(str(level_name(key, chain)) for key in chain)


class Demonstration(models.Model):
    """A demonstration community (示范社区) of one year, designated by its province."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="demonstration"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    citation = models.CharField(_("Citation"), max_length=300)
    designated_at = models.DateTimeField(_("Designated"))
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Demonstration community")
        verbose_name_plural = _("Demonstration communities")
        db_table = "assessments_demonstration"
        ordering = ["-year", "assessment__community_id"]

    def __str__(self):
        return f"{self.assessment} ({self.year})"
