from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from candidates.models import PROFILES
from thamm.audit import audit
from thamm.forms import call_service, run_action
from thamm.fragments import render_kept
from thamm.pagination import CappedPaginator, paginate
from thamm.pdf import pdf_unavailable, render_pdf
from thamm.reference import VERSION as REFERENCE
from thamm.rows import label_rows, link_rows
from thamm.scoping import role_required
from thamm.uploads import upload_stream

from .calendar import interview_event
from .forms import (
    PAGE_SIZES,
    AnswerForm,
    ChooseTimeForm,
    CompanyMoveForm,
    GuidanceFileForm,
    InterviewForm,
    InterviewNoteForm,
    OfferAnswerForm,
    OfferForm,
    OfferWithdrawForm,
    RescheduleForm,
    SaveSearchForm,
    SearchForm,
    ShortlistForm,
)
from .models import SEARCH_PAGES, Application, Interview, Offer
from .scoring import EXPERIENCE, ITALIAN, MODULES, OCCUPATION, REGION, START
from .selectors import (
    BROWSING_ROLES,
    SEARCH_CAP,
    application_card,
    application_get,
    application_history,
    application_list,
    application_offer,
    asked_for,
    candidate_by_code,
    candidate_cards,
    candidate_ranking,
    current_interview,
    identity_visible,
    interview_document_get,
    interview_get,
    may_browse,
    offer_get,
    ranking_vacancies,
    saved_search_get,
    saved_search_list,
)
from .services import (
    COMPANY_MOVES,
    ITALY,
    MOROCCO,
    OFFER_FIELDS,
    application_answer,
    application_candidate_withdraw,
    application_company_move,
    application_shortlist,
    interview_ask_other_times,
    interview_cancel,
    interview_choose,
    interview_document_add,
    interview_held,
    interview_propose,
    interview_reschedule,
    offer_accept,
    offer_decline,
    offer_gates,
    offer_prepare,
    offer_send,
    offer_terms,
    offer_terms_from,
    offer_withdraw,
    places_left,
    saved_search_create,
    saved_search_delete,
    terms_hash,
)

# Who acts for a company on its applications; who reads them besides (a centre: its candidates').
COMPANY_SIDE = (Role.COMPANY, Role.CHAMBER, Role.IOM)


def _without_page(params) -> str:
    """A page's query string without its page number (what the page links and saves keep)."""
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


@role_required(*BROWSING_ROLES)
def search_view(request: HttpRequest) -> HttpResponse:
    """Candidates for a company to meet: pseudonymised, filtered, ranked by match score against
    one of its vacancies (the first one, unless another is chosen) or by certification date.

    For a company or its advisor the page's body is kept rendered under the versions of what it
    shows (the candidates' profiles; companies, vacancies, applications and assignments), so that
    paging back and forth costs a cache read. IOM's is not: it names the candidates, and each of
    its views is audited."""
    return render_kept(
        request,
        "matching/_search_body.html",
        title=_("Find candidates"),
        build=lambda: _search_context(request),
        versions=(PROFILES, SEARCH_PAGES, REFERENCE),
        keep=request.user.role != Role.IOM,
    )


def _search_context(request: HttpRequest) -> dict:
    user = request.user
    if not may_browse(user=user):  # a company not verified yet
        return {"unverified": True}
    vacancies = ranking_vacancies(user=user)
    data = request.GET.copy()
    if "vacancy" not in data and user.role != Role.IOM:
        first = vacancies.values_list("pk", flat=True).first()
        data["vacancy"] = "" if first is None else str(first)
    form = SearchForm(data, vacancies=vacancies, list_vacancies=user.role != Role.IOM)
    cards, page, vacancy, ranking = [], None, None, None
    if form.is_valid():
        vacancy = form.cleaned_data["vacancy"]
        ranked_for = None if form.cleaned_data["sort"] == "certified" else vacancy
        ranking = candidate_ranking(user=user, filters=form.filters(), vacancy=ranked_for)
        per_page = form.cleaned_data["per_page"] or PAGE_SIZES[0]
        paginator = CappedPaginator(ranking.ids, per_page, cap=SEARCH_CAP, counted=len(ranking.ids))
        page = paginator.get_page(request.GET.get("page"))
        ids = list(page.object_list)
        cards = candidate_cards(user=user, ranking=ranking, ids=ids)
        if vacancy is not None:
            asked = asked_for(vacancy=vacancy, candidate_ids=ids)
            for card in cards:
                card.asked = asked.get(card.code, "")
    return {
        "form": form,
        "cards": cards,
        "page": page,
        "query": _without_page(request.GET),
        "vacancy": vacancy,
        "more": ranking is not None and ranking.more,
        "identity": user.role == Role.IOM,
        "may_ask": vacancy is not None and user.role in (Role.COMPANY, Role.CHAMBER),
        "save_form": SaveSearchForm(initial={"query": _without_page(data)})
        if form.is_valid() and user.role in (Role.COMPANY, Role.CHAMBER)
        else None,
    }


@role_required(Role.COMPANY, Role.CHAMBER)
@require_POST
def shortlist_view(request: HttpRequest) -> HttpResponse:
    """Ask a candidate (named by their code) to meet the company for one of its vacancies."""
    form = ShortlistForm(request.POST, vacancies=ranking_vacancies(user=request.user))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    if not form.is_valid():
        messages.error(request, _("Choose one of your open vacancies."))
        return redirect(back or "matching:search")
    candidate = candidate_by_code(user=request.user, code=form.cleaned_data["code"])
    run_action(
        request,
        application_shortlist,
        vacancy=form.cleaned_data["vacancy"],
        candidate=candidate,
        by=request.user,
        note=form.cleaned_data["note"],
        success=_(
            "%(code)s has been asked whether they agree to meet you; you will be told of "
            "their answer."
        )
        % {"code": candidate.code},
    )
    return redirect(back or "matching:search")


@role_required(Role.COMPANY, Role.CHAMBER)
@require_POST
def saved_search_create_view(request: HttpRequest) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    query = request.POST.get("query", "")
    if not form.is_valid():
        messages.error(request, _("Give the search a name (100 characters at most)."))
    elif run_action(
        request,
        saved_search_create,
        user=request.user,
        name=form.cleaned_data["name"],
        query=form.cleaned_data["query"],
        notify_me=form.cleaned_data["notify"],
        success=_("The search is saved."),
    ):
        return redirect("matching:searches")
    return redirect(f"{reverse('matching:search')}?{query}")


@role_required(*COMPANY_SIDE)
def saved_search_list_view(request: HttpRequest) -> HttpResponse:
    searches = list(saved_search_list(user=request.user))
    return render(request, "matching/saved_searches.html", {"searches": searches})


@role_required(Role.COMPANY, Role.CHAMBER)
@require_POST
def saved_search_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    search = saved_search_get(user=request.user, pk=pk)
    run_action(
        request,
        saved_search_delete,
        search=search,
        by=request.user,
        success=_("The search is deleted."),
    )
    return redirect("matching:searches")


@role_required(*COMPANY_SIDE, Role.CENTRE)
def application_list_view(request: HttpRequest) -> HttpResponse:
    """A company's applications (an advisor's companies', IOM's all, a centre's candidates'),
    newest change first, by stage."""
    status = request.GET.get("status", "")
    rows = application_list(user=request.user)
    if status in Application.Stage.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    names = request.user.role in (Role.CENTRE, Role.IOM)
    paged = paginate(request, rows.order_by("-status_changed_at", "-pk"))
    label_rows(paged["page"], field="status", choices=Application.Stage, attr="stage_label")
    link_rows(paged["page"], url_name="matching:application")
    return render(
        request,
        "matching/application_list.html",
        {**paged, "status": status, "statuses": Application.Stage.choices, "names": names},
    )


def _application_page(request: HttpRequest, application, **forms) -> HttpResponse:
    """The application's page: the candidate (their name and contacts once they agreed), the
    interview, the history, and what the viewer may do now (`forms`: bound forms to show again
    with their errors)."""
    user = request.user
    candidate = application.candidate
    identity = identity_visible(user=user, candidate=candidate)
    if identity and user.role in (Role.COMPANY, Role.CHAMBER):
        audit(actor=user, action="candidate.identity_view", target=candidate)
    company_side = user.role in COMPANY_SIDE
    return render(
        request,
        "matching/application_detail.html",
        {
            "application": application,
            "card": application_card(user=user, application=application),
            "identity": identity,
            "company_side": company_side,
            "history": application_history(user=user, application=application),
            "interview": current_interview(user=user, application=application),
            **_offer_context(user, application, forms.get("offer_form")),
            "moves": COMPANY_MOVES.moves_for(application, user) if company_side else {},
            "move_form": CompanyMoveForm(),
            "interview_form": forms.get("interview_form") or InterviewForm(),
            "reschedule_form": forms.get("reschedule_form") or RescheduleForm(),
            "zone": MOROCCO if user.role == Role.CENTRE else ITALY,
        },
    )


def _offer_context(user, application, offer_form=None) -> dict:
    """The application page's offer: its terms in Italian (the company's side), the form to
    prepare it, what still stops it being sent, and the places left in the scheme."""
    offer = application_offer(user=user, application=application)
    context = {"offer": offer, "offer_terms_it": offer_terms(offer, "it") if offer else []}
    if user.role not in COMPANY_SIDE or application.status != Application.Stage.INTERVIEWED:
        return context
    if offer is None or offer.status == Offer.Status.DRAFT:
        initial = (
            {name: getattr(offer, name) for name in OFFER_FIELDS}
            if offer
            else offer_terms_from(application.vacancy)
        )
        context["offer_form"] = offer_form or OfferForm(
            initial=initial, vacancy=application.vacancy
        )
        context["gates"] = offer_gates(company=application.company, by=user)
        context["places_left"] = places_left()
    return context


@role_required(*COMPANY_SIDE, Role.CENTRE)
def application_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, application_get(user=request.user, pk=pk))


@role_required(*COMPANY_SIDE)
@require_POST
def interview_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get(user=request.user, pk=pk)
    form = InterviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        interview = call_service(
            form,
            interview_propose,
            application=application,
            times=form.times(),
            mode=data["mode"],
            video_link=data["video_link"],
            place=data["place"],
            minutes=data["minutes"],
            guidance=data["guidance"],
            by=request.user,
        )
        if interview is not None:
            messages.success(request, _("The times have been sent to the candidate."))
            return redirect(application)
    return _application_page(request, application, interview_form=form)


@role_required(*COMPANY_SIDE)
@require_POST
def interview_reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    interview = interview_get(user=request.user, pk=pk)
    application = application_get(user=request.user, pk=interview.application_id)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        moved = call_service(
            form,
            interview_reschedule,
            interview=interview,
            starts_at=form.cleaned_data["starts_at"],
            by=request.user,
        )
        if moved is not None:
            messages.success(request, _("The interview has moved; the candidate has been told."))
            return redirect(application)
    return _application_page(request, application, reschedule_form=form)


def _interview_step(request, pk: int, service, *, note: str, success: str, page: str):
    """A button on an interview that calls `service` with the note typed beside it (as the
    service's `note` argument), then goes back to the application's `page`."""
    interview = interview_get(user=request.user, pk=pk)
    form = InterviewNoteForm(request.POST)
    typed = form.cleaned_data["note"] if form.is_valid() else ""
    run_action(
        request, service, interview=interview, by=request.user, success=success, **{note: typed}
    )
    return redirect(page, pk=interview.application_id)


@role_required(*COMPANY_SIDE)
@require_POST
def interview_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _interview_step(
        request,
        pk,
        interview_cancel,
        note="reason",
        success=_("The interview has been cancelled; the candidate has been told."),
        page="matching:application",
    )


@role_required(*COMPANY_SIDE)
@require_POST
def interview_held_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _interview_step(
        request,
        pk,
        interview_held,
        note="note",
        success=_("The interview is recorded."),
        page="matching:application",
    )


@role_required(Role.CANDIDATE)
@require_POST
def interview_choose_view(request: HttpRequest, pk: int) -> HttpResponse:
    interview = interview_get(user=request.user, pk=pk)
    form = ChooseTimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the times proposed."))
    else:
        run_action(
            request,
            interview_choose,
            interview=interview,
            slot_id=form.cleaned_data["slot"],
            by=request.user,
            success=_("Your interview is set. The invitation has been e-mailed to you."),
        )
    return redirect("matching:my_application", pk=interview.application_id)


@role_required(Role.CANDIDATE)
@require_POST
def interview_other_times_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _interview_step(
        request,
        pk,
        interview_ask_other_times,
        note="message",
        success=_("The company has been asked for other times."),
        page="matching:my_application",
    )


@role_required(*COMPANY_SIDE)
@require_POST
def interview_document_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    interview = interview_get(user=request.user, pk=pk)
    form = GuidanceFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
    else:
        run_action(
            request,
            interview_document_add,
            interview=interview,
            upload=form.cleaned_data["file"],
            by=request.user,
            success=_("The file is given to the candidate."),
        )
    return redirect("matching:application", pk=interview.application_id)


@role_required(*COMPANY_SIDE, Role.CENTRE, Role.CANDIDATE)
def interview_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A guidance file, streamed to whoever may see the interview; every download is audited."""
    document = interview_document_get(user=request.user, pk=pk)
    return upload_stream(
        file=document.file,
        filename=document.original_name,
        content_type=document.content_type,
        actor=request.user,
        target=document.interview.application,
        detail={"interview_document": document.pk},
    )


@role_required(*COMPANY_SIDE, Role.CENTRE, Role.CANDIDATE)
def interview_calendar_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The set interview as an iCalendar file, to add to any calendar."""
    interview = interview_get(user=request.user, pk=pk)
    if interview.chosen is None or interview.status != Interview.Status.SCHEDULED:
        raise Http404
    response = HttpResponse(
        interview_event(interview, interview.chosen), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="interview.ics"'
    return response


@role_required(*COMPANY_SIDE)
@require_POST
def application_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get(user=request.user, pk=pk)
    form = CompanyMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the note: it is too long."))
        return redirect(application)
    run_action(
        request,
        application_company_move,
        application=application,
        move=form.cleaned_data["action"],
        by=request.user,
        note=form.cleaned_data["note"],
        success=_("Saved. The candidate has been told."),
    )
    return redirect(application)


@role_required(*COMPANY_SIDE)
@require_POST
def offer_prepare_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get(user=request.user, pk=pk)
    form = OfferForm(request.POST, vacancy=application.vacancy)
    if form.is_valid():
        offer = call_service(
            form, offer_prepare, application=application, terms=form.terms(), by=request.user
        )
        if offer is not None:
            messages.success(request, _("The offer is ready to be sent."))
            return redirect(application)
    return _application_page(request, application, offer_form=form)


@role_required(Role.COMPANY)
@require_POST
def offer_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get(user=request.user, pk=pk)
    run_action(
        request,
        offer_send,
        offer=offer,
        by=request.user,
        success=_("The offer has been sent; the candidate has been told."),
    )
    return redirect("matching:application", pk=offer.application_id)


@role_required(*COMPANY_SIDE)
@require_POST
def offer_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get(user=request.user, pk=pk)
    form = OfferWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for withdrawing the offer."))
    else:
        run_action(
            request,
            offer_withdraw,
            offer=offer,
            by=request.user,
            reason=form.cleaned_data["reason"],
            success=_("The offer has been withdrawn."),
        )
    return redirect("matching:application", pk=offer.application_id)


@role_required(Role.CANDIDATE)
@require_POST
def offer_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get(user=request.user, pk=pk)
    form = OfferAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an answer."))
    elif form.cleaned_data["answer"] == "accept":
        run_action(
            request,
            offer_accept,
            offer=offer,
            by=request.user,
            language=get_language(),
            shown_hash=form.cleaned_data["terms_hash"],
            success=_(
                "You have accepted the offer. Congratulations! Your journey to Italy starts now: "
                "the next steps will be on this portal."
            ),
        )
    else:
        run_action(
            request,
            offer_decline,
            offer=offer,
            by=request.user,
            success=_("You have declined the offer; the company has been told."),
        )
    return redirect("matching:my_application", pk=offer.application_id)


PDF_LANGUAGES = ("it", "fr", "ar", "en")


@role_required(*COMPANY_SIDE, Role.CENTRE, Role.CANDIDATE)
def offer_pdf_view(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The offer as a PDF in one of the portal's languages (the candidate's and Italian are
    linked): the terms accepted, as they were read, once accepted."""
    offer = offer_get(user=request.user, pk=pk)
    if language not in PDF_LANGUAGES or offer.status == Offer.Status.DRAFT:
        raise Http404
    if pdf_unavailable():  # this machine has no Pango (a development machine, say)
        return HttpResponse(_("PDFs cannot be made on this server."), status=503)
    if offer.status == Offer.Status.ACCEPTED and language == offer.accepted_language:
        terms = [tuple(row) for row in offer.accepted_terms]
    else:
        terms = offer_terms(offer, language)
    with translation.override(language):
        pdf = render_pdf("matching/pdf/offer.html", {"offer": offer, "terms": terms})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="offer-{offer.pk}-{language}.pdf"'
    return response


@role_required(Role.CANDIDATE)
def my_applications_view(request: HttpRequest) -> HttpResponse:
    """The companies that asked the candidate to meet them, and where each stands."""
    rows = list(application_list(user=request.user).order_by("-status_changed_at", "-pk"))
    label_rows(rows, field="status", choices=Application.Stage, attr="stage_label")
    link_rows(rows, url_name="matching:my_application")
    return render(request, "matching/my_applications.html", {"applications": rows})


@role_required(Role.CANDIDATE)
def my_application_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get(user=request.user, pk=pk)
    return render(
        request,
        "matching/my_application.html",
        {
            "application": application,
            "vacancy": application.vacancy,
            "unit": application.vacancy.unit,
            "history": application_history(user=request.user, application=application),
            "interview": current_interview(user=request.user, application=application),
            **_candidate_offer(request.user, application),
            "waiting": application.status == Application.Stage.SHORTLISTED,
            "may_withdraw": application.status in CANDIDATE_WITHDRAWABLE,
            "zone": MOROCCO,
        },
    )


def _candidate_offer(user, application) -> dict:
    """The offer as the candidate reads it, in their language, with the hash of what they read
    (an acceptance must be of exactly that)."""
    offer = application_offer(user=user, application=application)
    if offer is None or offer.status == Offer.Status.DRAFT:
        return {"offer": None}
    if offer.status == Offer.Status.ACCEPTED:
        terms = [tuple(row) for row in offer.accepted_terms]
    else:
        terms = offer_terms(offer, get_language())
    return {"offer": offer, "offer_terms": terms, "offer_hash": terms_hash(terms)}


CANDIDATE_WITHDRAWABLE = (
    Application.Stage.AGREED,
    Application.Stage.INTERVIEW_PROPOSED,
    Application.Stage.INTERVIEW_SCHEDULED,
    Application.Stage.INTERVIEWED,
)


@role_required(Role.CANDIDATE)
@require_POST
def my_application_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get(user=request.user, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an answer."))
    elif form.cleaned_data["answer"] == "withdraw":
        run_action(
            request,
            application_candidate_withdraw,
            application=application,
            by=request.user,
            success=_("Done: the company has been told that you do not wish to go on."),
        )
    else:
        agree = form.cleaned_data["answer"] == "agree"
        run_action(
            request,
            application_answer,
            application=application,
            agree=agree,
            by=request.user,
            success=_("Thank you: the company now knows your name and can propose an interview.")
            if agree
            else _("Thank you: the company has been told, without any reason."),
        )
    return redirect("matching:my_application", pk=application.pk)


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
