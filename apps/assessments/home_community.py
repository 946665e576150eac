"""Home panel of a community committee: this year's assessment (issue 3)."""


def panels(request) -> list[dict]:
    return []
