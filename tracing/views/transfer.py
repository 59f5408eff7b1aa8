"""«Overfør til annen kommune» on an index: the form (receiving municipality, reason), a
confirmation page listing what moves, and the transfer (tracing.transfer).

The index is reached through tracing.access like every index page (B-1, B-4); from the moment
the transfer is committed, the sender's tracers get 404 for it.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import staff_required
from accounts.models import AccessAction
from municipalities.selectors import municipality_customers
from tracing.access import index_get_for_user
from tracing.forms import TransferForm
from tracing.models import Index
from tracing.services import IndexMoved
from tracing.transfer import (
    TransferRefused,
    index_transfer,
    transfer_contents,
    transfer_receiver_check,
)
from tracing.views.indexes import CONFIRMED, author_label
from tracing.worklists import TODAY


def _render(
    request: HttpRequest, index: Index, form: TransferForm, *, receiver=None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "backoffice/transfer.html",
        {
            "index": index,
            "person": index.person,
            "form": form,
            "receiver": receiver,
            "contents": transfer_contents(index) if receiver else None,
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def index_transfer_view(request: HttpRequest, index_id: int) -> HttpResponse:
    """GET: the form. POST without `bekreft`: checked, then the confirmation page listing what
    moves («Endre» there goes back to the form as typed). POST with `bekreft=ja`: the transfer,
    then back to the tracer's worklist."""
    index = index_get_for_user(user=request.user, index_id=index_id, action=AccessAction.VIEW)
    if index.status != Index.Status.ACTIVE:
        messages.error(request, _("Bare en aktiv indeks kan overføres."))
        return redirect("tracing:index", index_id=index.pk)
    customers = municipality_customers(excluding=index.municipality_id)
    if request.method == "GET":
        return _render(request, index, TransferForm(municipalities=customers))
    form = TransferForm(request.POST, municipalities=customers)
    if not form.is_valid():
        return _render(request, index, form, status=400)
    try:
        receiver = transfer_receiver_check(index=index, number=form.cleaned_data["kommune"])
        if request.POST.get("endre"):
            # Back to the form, with what was typed.
            return _render(request, index, form)
        if request.POST.get("bekreft") != CONFIRMED:
            return _render(request, index, form, receiver=receiver)
        index_transfer(
            index=index,
            to_number=receiver.number,
            reason=form.cleaned_data["begrunnelse"],
            user=request.user,
            author_label=author_label(request.user),
        )
    except IndexMoved:
        raise Http404 from None
    except TransferRefused as exc:
        form.add_error(exc.field, str(exc))
        return _render(request, index, form, status=400)
    messages.success(
        request,
        _("Indeksen er overført til %(name)s. Du har ikke lenger tilgang til den.")
        % {"name": receiver.name},
    )
    return redirect("tracing:worklist", worklist=TODAY)
