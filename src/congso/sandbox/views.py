"""The sandbox's index page (what is simulated, where the OpenAPI documents are, IDs to try) and its
answer to an address it does not serve."""

from django.conf import settings
from django.shortcuts import render

from . import api
from .models import Business, BusinessStatus, Citizen, LandParcel
from .services import national_services

# The token shown on the page only while it is the published demo default; a configured secret is not.
DEMO_TOKEN = "congso-sandbox-demo-token"  # noqa: S105 — published on purpose, demo only
SAMPLES = 5


def _samples() -> dict:
    """A few identifiers to try, no names: the demo's own records first, then generated ones."""
    citizens = list(
        Citizen.objects.filter(is_generated=False, relation_to_head="Chủ hộ").values_list(
            "national_id", flat=True
        )[:SAMPLES]
    )
    citizens += Citizen.objects.filter(is_generated=True).values_list("national_id", flat=True)[:2]
    known = Business.objects.filter(is_generated=False).values_list("tax_code", flat=True)[:SAMPLES]
    return {
        "citizens": citizens,
        "businesses": list(known)
        + list(
            Business.objects.filter(is_generated=True, parent=None).values_list("tax_code", flat=True)[:2]
        ),
        "branch": Business.objects.exclude(parent=None).values_list("tax_code", flat=True).first(),
        "parcels": list(LandParcel.objects.values_list("parcel_id", flat=True)[:SAMPLES]),
        "dissolved": Business.objects.filter(status=BusinessStatus.DISSOLVED)
        .values_list("tax_code", flat=True)
        .first(),
    }


@api.document
def index(request):
    token = settings.CONGSO_SANDBOX_TOKEN
    services = national_services()
    return render(
        request,
        "sandbox/index.html",
        {
            "services": services,
            "samples": _samples(),
            "demo_token": token if token == DEMO_TOKEN else "",
            "population_url": request.build_absolute_uri(services[0].base_path),
        },
    )


@api.document
def unknown(request, rest: str):
    """Any other address under /sandbox/: the envelope, labelled, rather than the portal's page."""
    return api.failure(404, 404, "Không có dịch vụ ở địa chỉ này.")
