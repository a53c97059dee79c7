from django.conf import settings


def portal(request):
    """What the base layout needs on every page: the languages of the switcher."""
    return {"portal_languages": settings.LANGUAGES}
