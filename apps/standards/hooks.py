"""What other apps add to a local standard without the standards importing them: the forecast of a
scored standard against the areas' targets (apps.targets.whatif), computed for a draft, kept with
the version on publishing and shown beside the year's result. Registered from TargetsConfig.ready();
without it a standard has no forecast."""

from collections.abc import Callable

# [(forecast of a version, kept forecast beside the result)]: at most one provider.
FORECAST: list[tuple[Callable[..., dict | None], Callable[..., dict | None]]] = []


def register_forecast(
    *, forecast: Callable[..., dict | None], against_result: Callable[..., dict | None]
) -> None:
    FORECAST[:] = [(forecast, against_result)]


def standard_forecast(*, standard) -> dict | None:
    """The forecast of `standard` computed now (None without a provider, or for a national or
    unscored standard)."""
    return FORECAST[0][0](standard=standard) if FORECAST else None


def forecast_against_result(*, standard) -> dict | None:
    """A published version's kept forecast beside the result of its year."""
    return FORECAST[0][1](standard=standard) if FORECAST else None
