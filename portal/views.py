from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thamm.fragments import cached_fragment

from .home import HOME_PAGES_BY_ROLE, HOME_VERSIONS, NO_ROLE_PAGE, home_context


def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; for a signed-in user, their role's next actions, the body
    kept rendered until anything it may show changes (portal.home.HOME_VERSIONS)."""
    if not request.user.is_authenticated:
        return render(request, "home/anonymous.html")
    user = request.user
    template, title = HOME_PAGES_BY_ROLE.get(user.role, NO_ROLE_PAGE)
    membership = user.membership
    body = cached_fragment(
        request,
        template,
        build=lambda: home_context(user=user),
        versions=HOME_VERSIONS,
        vary=(
            user.pk,
            user.role,
            membership and membership.organisation_id,
            membership and membership.role,
        ),
    )
    return render(request, "home/page.html", {"title": title, "body": body})
