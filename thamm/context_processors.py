import functools

from django.conf import settings
from django.utils.translation import get_language_info


def portal(request):
    """What the base layout needs on every page: the languages of the switcher, each as its
    code and its own name for itself (the same in every language: worked out once)."""
    return {"portal_languages": _languages(tuple(settings.LANGUAGES))}


@functools.lru_cache(maxsize=4)
def _languages(languages: tuple) -> list[tuple[str, str]]:
    return [(code, get_language_info(code)["name_local"]) for code, _name in languages]
