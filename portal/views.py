from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .home import home_context


def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; for a signed-in user, their role's next actions."""
    if not request.user.is_authenticated:
        return render(request, "home/anonymous.html")
    context = home_context(user=request.user)
    return render(request, context["template"], context)
