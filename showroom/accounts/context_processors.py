from .capabilities import Capability, can


def navigation(request):
    """Flags for the menu: which sections the signed-in user's role can use, and `nav_key`, the same flags as one
    word, under which base.html caches the menu's links (the same for everyone with the same flags)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    flags = {cap.value: can(user, cap) for cap in Capability}
    return {"nav": flags, "nav_key": "".join("1" if flag else "0" for flag in flags.values())}
