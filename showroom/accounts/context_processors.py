from .capabilities import Capability, can


def navigation(request):
    """Flags for the menu: which sections the signed-in user's role can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": {cap.value: can(user, cap) for cap in Capability}}
