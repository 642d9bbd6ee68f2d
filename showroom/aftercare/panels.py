"""The aftercare card on the lead page (see settings.LEAD_STEP_PANELS)."""


def lead_panel(request, lead) -> dict | None:
    return None
