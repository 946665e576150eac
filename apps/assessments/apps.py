from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "apps.assessments"
    label = "assessments"
    verbose_name = _("Self-assessments and review")

    def ready(self):
        from apps.standards.selectors import register_opened_assessments

        from .models import Assessment

        # A province's standard of a year freezes once an assessment of that year is opened.
        register_opened_assessments(
            lambda *, province_id, year: Assessment.objects.filter(province_id=province_id, year=year)
        )
