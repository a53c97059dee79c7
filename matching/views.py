from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from thamm.pagination import CappedPaginator
from thamm.scoping import role_required

from .forms import PAGE_SIZES, SearchForm
from .scoring import EXPERIENCE, ITALIAN, MODULES, OCCUPATION, REGION, START
from .selectors import (
    BROWSING_ROLES,
    SEARCH_CAP,
    candidate_cards,
    candidate_ranking,
    may_browse,
    ranking_vacancies,
)


@role_required(*BROWSING_ROLES)
def search_view(request: HttpRequest) -> HttpResponse:
    """Candidates for a company to meet: pseudonymised, filtered, ranked by match score against
    one of its vacancies (the first one, unless another is chosen) or by certification date."""
    user = request.user
    if not may_browse(user=user):  # a company not verified yet
        return render(request, "matching/search.html", {"unverified": True})
    vacancies = ranking_vacancies(user=user)
    data = request.GET.copy()
    if "vacancy" not in data and user.role != Role.IOM:
        first = vacancies.values_list("pk", flat=True).first()
        data["vacancy"] = "" if first is None else str(first)
    form = SearchForm(data, vacancies=vacancies)
    if user.role == Role.IOM:  # all vacancies: one is chosen from its own page
        form.fields["vacancy"].widget = forms.HiddenInput()
    cards, page, vacancy, ranking = [], None, None, None
    if form.is_valid():
        vacancy = form.cleaned_data["vacancy"]
        if form.cleaned_data["sort"] == "certified":
            vacancy = None
        ranking = candidate_ranking(user=user, filters=form.filters(), vacancy=vacancy)
        per_page = form.cleaned_data["per_page"] or PAGE_SIZES[0]
        paginator = CappedPaginator(ranking.ids, per_page, cap=SEARCH_CAP, counted=len(ranking.ids))
        page = paginator.get_page(request.GET.get("page"))
        cards = candidate_cards(user=user, ranking=ranking, ids=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/search.html",
        {
            "form": form,
            "cards": cards,
            "page": page,
            "query": query.urlencode(),
            "vacancy": vacancy,
            "more": ranking is not None and ranking.more,
            "identity": user.role == Role.IOM,
        },
    )


@role_required(Role.CANDIDATE, Role.CENTRE, Role.COMPANY, Role.CHAMBER, Role.IOM)
def score_help_view(request: HttpRequest) -> HttpResponse:
    """The match score's rule in plain words, for companies and for the candidates it ranks."""
    return render(
        request,
        "matching/score_help.html",
        {
            "points": {
                "modules": MODULES,
                "italian": ITALIAN,
                "occupation": OCCUPATION,
                "experience": EXPERIENCE,
                "region": REGION,
                "start": START,
            }
        },
    )
