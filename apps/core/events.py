"""Domain events: an app says that something happened, the apps that react to it are named in the
settings (`DOMAIN_EVENT_HANDLERS`), so the app that speaks never imports the app that listens.

Events: "assessment_submitted" (assessment_id, province_id, year), and "figures_changed" (province_id, year): a review decision, a registry
change or import changed the figures of a provincial unit from that year on; the reports app
recomputes them after commit (apps.reports.figures.store.unit_figures_refresh_on_commit)."""

from django.conf import settings
from django.utils.module_loading import import_string


def emit(name: str, **payload) -> None:
    """Call every handler registered for `name` with `payload` (keyword arguments)."""
    for path in getattr(settings, "DOMAIN_EVENT_HANDLERS", {}).get(name, ()):
        import_string(path)(**payload)


def figures_changed(*, province_id: str, year: int) -> None:
    emit("figures_changed", province_id=province_id, year=year)


def assessment_submitted(*, assessment_id: int, province_id: str, year: int) -> None:
    """A community submitted (or resubmitted) its self-assessment; handlers run inside the submit's
    transaction and defer their work to after commit."""
    emit("assessment_submitted", assessment_id=assessment_id, province_id=province_id, year=year)
