"""The simulated national portal's pages under /sandbox/dvcqg/: what it holds (catalogue, dossiers, each
dossier's timeline as the national portal sees it), a form to submit a dossier on it (demos, manual
tests) and the switch that takes it down. Labelled as a simulator in both languages; dossiers are listed
by code only (the applicant's details are fictitious personal data, never shown)."""

import json
import secrets

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import api, dvcqg, services
from .models import DvcqgDossier, DvcqgProcedure

MAX_PAPER_BYTES = 5 * 1024 * 1024


def _enabled():
    if not settings.CONGSO_SANDBOX_ENABLED:
        raise Http404


@api.document
def index(request):
    dossiers = [
        {"dossier": d, "status_name": dvcqg.STATUS_NAMES.get(d.status, "")}
        for d in DvcqgDossier.objects.order_by("-submitted_at", "-id")[:100]
    ]
    return render(
        request,
        "sandbox/dvcqg/index.html",
        {
            "is_down": dvcqg.is_down(),
            "procedures": DvcqgProcedure.objects.order_by("code", "version"),
            "dossiers": dossiers,
            "base_url": request.build_absolute_uri(dvcqg.BASE_PATH),
            "endpoints": (dvcqg.AUTH_ENDPOINT, dvcqg.SHARE_ENDPOINT, dvcqg.INTEGRATION_ENDPOINT),
            "madonvi": settings.CONGSO_DVCQG_MADONVI,
        },
    )


@api.document
def dossier(request, code: str):
    found = DvcqgDossier.objects.filter(code=code).first()
    if found is None:
        raise Http404
    return render(
        request,
        "sandbox/dvcqg/dossier.html",
        {
            "dossier": found,
            "status_name": dvcqg.STATUS_NAMES.get(found.status, ""),
            "progress": [
                {"step": step, "status_name": dvcqg.STATUS_NAMES.get(step.status, "")}
                for step in found.progress.order_by("id")
            ],
            "papers": found.papers,
        },
    )


@require_POST
@login_required
def switch(request):
    """Take the simulated portal down or bring it back (staff only: it affects everyone's demo)."""
    _enabled()
    if not request.user.is_staff:
        raise PermissionDenied
    services.set_dvcqg_down(request.POST.get("down") == "1")
    return api.labelled(redirect("sandbox:dvcqg"))


class SubmitForm(forms.Form):
    procedure_code = forms.ChoiceField(label="Thủ tục / Procedure")
    unit_code = forms.CharField(label="Mã cơ quan thực hiện / Agency code", max_length=40)
    name = forms.CharField(label="Chủ hồ sơ / Applicant", max_length=200)
    national_id = forms.RegexField(
        label="Số định danh cá nhân / National ID",
        regex=r"^\d{12}$",
        max_length=12,
        error_messages={"invalid": "Số định danh gồm 12 chữ số. / 12 digits."},
    )
    phone = forms.CharField(label="Số điện thoại / Phone", max_length=20, required=False)
    email = forms.EmailField(label="Thư điện tử / E-mail", required=False)
    address = forms.CharField(label="Địa chỉ / Address", max_length=300, required=False)
    summary = forms.CharField(label="Trích yếu / Summary", max_length=1000, required=False)
    form_data = forms.CharField(
        label="Dữ liệu tờ khai (JSON) / Form data (JSON)", widget=forms.Textarea, required=False, initial="{}"
    )
    paper_code = forms.CharField(label="Mã thành phần hồ sơ / Paper code", max_length=60, required=False)
    paper = forms.FileField(label="Tệp đính kèm / File", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = DvcqgProcedure.objects.order_by("code").values_list("code", flat=True).distinct()
        self.fields["procedure_code"].choices = [(c, c) for c in codes]

    def clean_form_data(self):
        text = self.cleaned_data["form_data"].strip() or "{}"
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError("Không phải JSON hợp lệ. / Not valid JSON.") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("Cần một đối tượng JSON. / A JSON object is needed.")
        return value

    def clean_paper(self):
        paper = self.cleaned_data.get("paper")
        if paper and paper.size > MAX_PAPER_BYTES:
            raise forms.ValidationError("Tệp quá lớn (tối đa 5 MB). / File too large (5 MB at most).")
        return paper


@login_required
def submit(request):
    """Submit a dossier on the simulated national portal, as a citizen would there."""
    _enabled()
    form = SubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        code = f"G22.99.{timezone.localtime(now):%y%m%d}-{secrets.randbelow(10**6):06d}"
        papers = []
        if data["paper"]:
            papers.append((data["paper_code"], data["paper"].name[:200], data["paper"].read()))
        services.submit_on_dvcqg(
            code=code,
            procedure_code=data["procedure_code"],
            unit_code=data["unit_code"],
            province_code=settings.CONGSO_DVCQG_MADONVI,
            applicant=applicant_fields(
                data["name"], data["national_id"], data["phone"], data["email"], data["address"]
            ),
            summary=data["summary"],
            form_data=data["form_data"],
            papers=papers,
            submitted_at=now,
        )
        return api.labelled(redirect("sandbox:dvcqg-dossier", code=code))
    return api.labelled(render(request, "sandbox/dvcqg/submit.html", {"form": form}))


def applicant_fields(name, national_id, phone="", email="", address="") -> dict:
    """The applicant as DVCQG's dossier fields name them (STANDARDS.md §8.1c)."""
    return {
        "ChuHoSo": name,
        "LoaiDoiTuong": "1",
        "SoGiayToChuHoSo": national_id,
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": national_id}],
        "SoDienThoai": phone,
        "Email": email,
        "DiaChiChuHoSo": address,
    }
