"""Saved searches: a company keeps a search by name to run it again, and may ask to be told, by a
daily digest (in-app and e-mail), of candidates who have come to match it. The candidates it
matched when saved count as seen; each candidate is told of once per search."""

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from companies.selectors import company_list
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.notifications import notify

from ..forms import SearchForm
from ..models import SavedSearch, SavedSearchHit
from ..selectors import candidate_ranking, may_browse, ranking_vacancies


def _parsed(*, user: User, query: str) -> SearchForm:
    """The search page's form for a saved query, as the page would read it."""
    form = SearchForm(QueryDict(query), vacancies=ranking_vacancies(user=user))
    form.is_valid()
    return form


def _ranked_ids(user: User, form: SearchForm) -> list[int]:
    vacancy = None if form.cleaned_data.get("sort") == "certified" else form.cleaned_data["vacancy"]
    return candidate_ranking(user=user, filters=form.filters(), vacancy=vacancy).ids


@transaction.atomic
def saved_search_create(*, user: User, name: str, query: str, notify_me: bool) -> SavedSearch:
    """Keep the search (`query`: the search page's query string) under `name`."""
    if user.role not in (Role.COMPANY, Role.CHAMBER) or not may_browse(user=user):
        raise DomainError(_("Only a verified company or its advisor can save a search."))
    name = name.strip()
    if not name:
        raise DomainError(_("Give the search a name."))
    form = _parsed(user=user, query=query)
    if not form.is_valid():
        raise DomainError(_("Correct the search's filters before saving it."))
    vacancy = form.cleaned_data["vacancy"]
    if vacancy is not None:
        company = vacancy.company
    elif user.role == Role.COMPANY:
        company = company_list(user=user).get()
    else:
        raise DomainError(_("Choose the vacancy of the company you search for."))
    if SavedSearch.objects.filter(owner=user, name=name).exists():
        raise DomainError(_("You already have a search with this name."))
    search = SavedSearch(company=company, owner=user, name=name, query=query, notify=notify_me)
    search.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            search.save()
    except IntegrityError as exc:  # the same name saved at the same moment
        raise DomainError(_("You already have a search with this name.")) from exc
    SavedSearchHit.objects.bulk_create(
        [SavedSearchHit(search=search, candidate_id=pk) for pk in _ranked_ids(user, form)]
    )
    audit(actor=user, action="search.save", target=search.company, detail={"name": name})
    return search


@transaction.atomic
def saved_search_delete(*, search: SavedSearch, by: User) -> None:
    if search.owner_id != by.pk:
        raise DomainError(_("Only the person who saved a search can delete it."))
    search.delete()


def saved_searches_digest() -> int:
    """Tell each watcher of a saved search of the candidates who have come to match it since it
    last looked (a daily task); returns how many people were told. Running it again tells
    nobody twice."""
    told = 0
    for search in SavedSearch.objects.filter(notify=True).select_related("owner"):
        owner = search.owner
        if not owner.is_active or not may_browse(user=owner):
            continue
        form = _parsed(user=owner, query=search.query)
        if not form.is_valid():  # its vacancy closed since, say: nothing to rank against
            continue
        with transaction.atomic():
            seen = set(search.hits.values_list("candidate_id", flat=True))
            new = [pk for pk in _ranked_ids(owner, form) if pk not in seen]
            if not new:
                continue
            SavedSearchHit.objects.bulk_create(
                [SavedSearchHit(search=search, candidate_id=pk) for pk in new],
                ignore_conflicts=True,
            )
            notify(
                recipients=[owner],
                kind="search.new_candidates",
                template="matching/email/search_digest",
                context={"search": search, "count": len(new)},
                link=f"{reverse('matching:search')}?{search.query}",
            )
            told += 1
    return told
