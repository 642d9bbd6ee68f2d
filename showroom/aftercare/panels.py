"""The aftercare card on the lead page (see settings.LEAD_STEP_PANELS)."""


def lead_panel(request, lead) -> dict | None:
    return None


def workbench_panel(request) -> dict | None:
    """The aftercare card on the consultant's workbench (settings.WORKBENCH_PANELS)."""
    return None


def manager_panel(request) -> dict | None:
    """The aftercare card on the manager's page (settings.MANAGER_PANELS)."""
    return None
