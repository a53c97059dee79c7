from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thamm.fragments import render_kept

from .home import HOME_PAGES_BY_ROLE, HOME_VERSIONS, NO_ROLE_PAGE, home_context


def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; for a signed-in user, their role's next actions, the body
    kept rendered until anything it may show changes (portal.home.HOME_VERSIONS)."""
    if not request.user.is_authenticated:
        return render(request, "home/anonymous.html")
    template, title = HOME_PAGES_BY_ROLE.get(request.user.role, NO_ROLE_PAGE)
    return render_kept(
        request,
        template,
        title=title,
        build=lambda: home_context(user=request.user),
        versions=HOME_VERSIONS,
    )
