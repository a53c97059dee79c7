from .navigation import navigation_for


def navigation(request):
    """The main navigation's entries for the person signed in (no query: the user, membership
    and organisation are loaded before the view)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"navigation": []}
    return {"navigation": navigation_for(user, path=request.path)}
