from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from thamm.audit import audit
from thamm.forms import call_service, run_action
from thamm.fragments import SHOWN_DATA, render_kept
from thamm.pagination import paginate
from thamm.reference import VERSION as REFERENCE
from thamm.scheme import current_scheme
from thamm.scoping import role_required
from thamm.uploads import upload_stream
from training.selectors import certification_check, result_list

from .forms import CandidateFilterForm, CandidateForm, ConsentForm, DocumentForm, StageForm
from .models import PROFILES, STAGE_COUNTS, Candidate
from .selectors import (
    candidate_get,
    candidate_list,
    candidate_occupations,
    candidate_search_ids,
    candidate_stage_history,
    consent_history,
    document_get,
    document_list,
    own_candidate_record,
    privacy_notice_current,
)
from .services import (
    LIFECYCLE,
    candidate_create,
    candidate_invite,
    candidate_mark_not_certified,
    candidate_start_training,
    candidate_update,
    candidate_withdraw,
    consent_give,
    consent_withdraw,
    document_add,
)

STAGE_ACTIONS = {
    "start_training": lambda candidate, by, note: candidate_start_training(
        candidate=candidate, by=by
    ),
    "not_certified": lambda candidate, by, note: candidate_mark_not_certified(
        candidate=candidate, by=by, reason=note
    ),
    "withdraw": lambda candidate, by, note: candidate_withdraw(
        candidate=candidate, by=by, reason=note
    ),
}


# The rows a list pages through (20 pages); past them the page asks for a search or a stage.
LIST_CAP = 1000
# The matches a search lists (4 pages): a search that finds more asks to be narrowed.
SEARCH_CAP = 200
# What a row shows: a candidate has thirty columns, the list reads seven (and IOM's, the centre's
# name), as plain values: fifty model instances cost more than their rendering.
ROW_VALUES = (
    *("pk", "reference", "status"),
    *("first_name", "last_name", "first_name_ar", "last_name_ar"),
)


@role_required(Role.CENTRE, Role.IOM)
def candidate_list_view(request: HttpRequest) -> HttpResponse:
    filters = CandidateFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    searching = bool((cleaned.get("q") or "").strip())
    # Searched, the list shows the first SEARCH_CAP matches the search index finds, in name
    # order (candidate_search_ids); the rows of the page come by their ids.
    rows = candidate_list(user=request.user, filters={**cleaned, "q": ""})
    show_centre = request.user.role == Role.IOM
    if not show_centre:  # a centre sees its own candidates: no centre column, no join for it
        rows = rows.select_related(None)
    if searching:
        found = candidate_search_ids(user=request.user, filters=cleaned, limit=SEARCH_CAP + 1)
        paged = paginate(request, found, cap=SEARCH_CAP, counted=len(found))
        paged["page"].object_list = rows.filter(pk__in=paged["page"].object_list)
    else:
        paged = paginate(request, rows, cap=LIST_CAP)
    columns = (*ROW_VALUES, "training_centre__name") if show_centre else ROW_VALUES
    paged["page"].object_list = list(paged["page"].object_list.values(*columns))
    return render(
        request,
        "candidates/candidate_list.html",
        {
            "filters": filters,
            "stage": filters["status"].value() or "",
            "searching": searching,
            "show_centre": show_centre,
            "rows": candidate_rows(paged["page"].object_list, show_centre=show_centre),
            **paged,
        },
    )


def candidate_rows(candidates: list[dict], *, show_centre: bool) -> str:
    """The list's rows (`candidates`: ROW_VALUES), every value escaped by format_html: a
    candidate's page is the list's address and their id (candidates/urls.py), so one reverse
    serves every row; each stage's name is translated once."""
    list_url = reverse("candidates:list")
    stages = {value: str(label) for value, label in Candidate.Status.choices}
    return format_html_join(
        "\n",
        '  <tr>\n    <td><a href="{}{}/">{} {}</a>{}</td>\n    <td><bdi>{}</bdi></td>\n'
        "    <td>{}</td>\n    {}\n  </tr>",
        (
            (
                list_url,
                c["pk"],
                c["last_name"],
                c["first_name"],
                _arabic_name(c),
                c["reference"],
                stages[c["status"]],
                format_html("<td>{}</td>", c["training_centre__name"]) if show_centre else "",
            )
            for c in candidates
        ),
    )


def _arabic_name(row: dict) -> str:
    name = Candidate.arabic_name(row["first_name_ar"], row["last_name_ar"])
    if not name:
        return ""
    return format_html(' <span lang="ar" dir="rtl" class="text-body-secondary">{}</span>', name)


@role_required(Role.CENTRE)
@require_http_methods(["GET", "POST"])
def candidate_create_view(request: HttpRequest) -> HttpResponse:
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        candidate = call_service(
            form,
            candidate_create,
            centre=request.user.organisation,
            data=form.cleaned_data,
            occupations=form.cleaned_data["previous_occupations"],
            by=request.user,
        )
        if candidate is not None:
            messages.success(request, _("Candidate registered."))
            return redirect(candidate)
    return render(request, "candidates/candidate_form.html", {"form": form})


@role_required(Role.CENTRE, Role.IOM)
def candidate_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A candidate's record for their centre and IOM: every view audited; the body kept rendered
    for its reader until anything it shows changes (thamm.fragments)."""
    candidate = candidate_get(user=request.user, pk=pk)
    audit(actor=request.user, action="candidate.view", target=candidate)

    def build() -> dict:
        results = result_list(user=request.user, candidate=candidate)
        return {
            "candidate": candidate,
            "history": candidate_stage_history(user=request.user, candidate=candidate),
            "occupations": candidate_occupations(user=request.user, candidate=candidate),
            "stage_form": StageForm(moves=LIFECYCLE.moves_for(candidate, request.user)),
            "results": results,
            "documents": document_list(user=request.user, candidate=candidate),
            "document_form": DocumentForm(),
            "check": certification_check(
                candidate=candidate, scheme=current_scheme(), results=results
            ),
        }

    return render_kept(
        request,
        "candidates/_candidate_body.html",
        title=candidate.full_name,
        build=build,
        versions=(SHOWN_DATA, PROFILES, STAGE_COUNTS, REFERENCE),
        vary=(candidate.pk,),
    )


@role_required(Role.CENTRE, Role.IOM)
@require_http_methods(["GET", "POST"])
def candidate_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    form = CandidateForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            candidate_update,
            candidate=candidate,
            data=form.cleaned_data,
            occupations=form.cleaned_data["previous_occupations"],
            by=request.user,
        )
        if updated is not None:
            messages.success(request, _("Changes saved."))
            return redirect(updated)
    return render(request, "candidates/candidate_form.html", {"form": form, "candidate": candidate})


@role_required(Role.CENTRE)
@require_POST
def candidate_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    run_action(
        request,
        candidate_invite,
        candidate=candidate,
        by=request.user,
        base_url=request.build_absolute_uri("/"),
        success=lambda invitation: _("Invitation sent to %(email)s.") % {"email": invitation.email},
    )
    return redirect(candidate)


@role_required(Role.CENTRE, Role.IOM)
@require_POST
def candidate_stage_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    # Any manual move is read; the service refuses one the candidate's stage does not allow.
    form = StageForm(request.POST, moves=LIFECYCLE.manual_moves)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect(candidate)
    run_action(
        request,
        STAGE_ACTIONS[form.cleaned_data["action"]],
        candidate=candidate,
        by=request.user,
        note=form.cleaned_data["note"],
        success=lambda moved: (
            _("Stage changed to “%(stage)s”.") % {"stage": moved.get_status_display()}
        ),
    )
    return redirect(candidate)


def _own_record(request: HttpRequest):
    candidate = own_candidate_record(user=request.user)
    if candidate is None:  # the centre has not linked the record yet
        raise Http404
    return candidate


@role_required(Role.CANDIDATE)
@require_http_methods(["GET", "POST"])
def consent_view(request: HttpRequest) -> HttpResponse:
    """The candidate reads the privacy notice in their language and decides what companies see."""
    candidate = _own_record(request)
    notice = privacy_notice_current()
    if notice is None:
        raise Http404
    form = ConsentForm(
        request.POST or None,
        initial={
            "notice_version": notice.version,
            "share_with_companies": candidate.profile_shared,
        },
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["notice_version"] != notice.version:
            form.add_error(None, _("This privacy notice has been replaced: read the new one."))
        else:
            record = call_service(
                form,
                consent_give,
                candidate=candidate,
                notice=notice,
                share_with_companies=form.cleaned_data["share_with_companies"],
                by=request.user,
            )
            if record is not None:
                if candidate.profile_shared:
                    messages.success(request, _("Thank you. Companies can now see your profile."))
                else:
                    messages.success(request, _("Thank you. Companies do not see your profile."))
                return redirect("candidates:consent")
    return render(
        request,
        "candidates/consent.html",
        {
            "candidate": candidate,
            "notice": notice,
            "notice_text": notice.body(get_language() or "en"),
            "form": form,
            "history": consent_history(user=request.user, candidate=candidate)[:50],
        },
    )


@role_required(Role.CANDIDATE)
@require_POST
def consent_withdraw_view(request: HttpRequest) -> HttpResponse:
    candidate = _own_record(request)
    run_action(
        request,
        consent_withdraw,
        candidate=candidate,
        by=request.user,
        success=_("Your consent is withdrawn. Companies no longer see you."),
    )
    return redirect("candidates:consent")


@role_required(Role.CANDIDATE)
@require_http_methods(["GET", "POST"])
def my_documents_view(request: HttpRequest) -> HttpResponse:
    """The candidate's own documents: the list, and the form to add one."""
    candidate = _own_record(request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = call_service(
            form,
            document_add,
            error_field="file",
            candidate=candidate,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            by=request.user,
        )
        if document is not None:
            messages.success(request, _("Document added."))
            return redirect("candidates:my_documents")
    return render(
        request,
        "candidates/my_documents.html",
        {"form": form, "documents": document_list(user=request.user, candidate=candidate)},
    )


@role_required(Role.CENTRE, Role.IOM)
@require_POST
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff add a document to a candidate's folder (from the candidate's page)."""
    candidate = candidate_get(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(candidate)
    run_action(
        request,
        document_add,
        candidate=candidate,
        kind=form.cleaned_data["kind"],
        upload=form.cleaned_data["file"],
        by=request.user,
        success=_("Document added."),
    )
    return redirect(candidate)


@role_required(Role.CANDIDATE, Role.CENTRE, Role.IOM)
def document_download_view(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a document to who may see its candidate; every download is audited."""
    document = document_get(user=request.user, pk=pk)
    return upload_stream(
        file=document.file,
        filename=f"{document.get_kind_display()}.{document.extension}",
        content_type=document.content_type,
        actor=request.user,
        target=document.candidate,
        detail={"document": document.pk},
    )
