"""Process definitions and their versions: uploading a BPMN file as the next version of a process
(``upload_version``), choosing the version new dossiers use (``activate_version``), and installing the
processes shipped in ``workflow/bpmn/`` (``load_default_processes``). Re-exported by ``services``."""

import hashlib
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from congso.core import audit, events

from . import bpmn
from .errors import BpmnRejected, WorkflowError
from .models import ProcessDefinition, ProcessVersion

BPMN_DIR = Path(__file__).resolve().parent / "bpmn"


def upload_version(
    *,
    key: str,
    name: str,
    xml,
    uploaded_by=None,
    description: str = "",
    activate: bool = True,
    note: str = "",
) -> ProcessVersion:
    """Check a BPMN file and store it as the next version of process ``key``.

    Inputs: ``key`` (a slug; a new key creates the definition), ``name``, ``xml`` (text or bytes),
    ``uploaded_by``, ``description``, ``activate`` (make it the version new dossiers use), ``note``.
    Effects: a ``ProcessVersion`` numbered one above the latest, with ``step_config`` read from the file;
    when ``activate``, the previous active version is deactivated (running instances keep theirs);
    audit ``workflow.version.upload``, event ``workflow.version_uploaded``.
    Errors: ``BpmnRejected`` with line-precise reasons; ``WorkflowError`` for a bad key or name, or a
    file identical to the latest version.
    """
    key = (key or "").strip()
    if not key or slugify(key) != key or len(key) > 100:
        raise WorkflowError(_("Mã quy trình chỉ gồm chữ thường không dấu, số và dấu gạch ngang."))
    name = " ".join((name or "").split())
    outcome = bpmn.validate(xml)
    if not outcome.ok:
        raise BpmnRejected(outcome.errors)
    text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    with transaction.atomic():
        definition = ProcessDefinition.objects.select_for_update().filter(key=key).first()
        if definition is None:
            if not name:
                raise WorkflowError(_("Vui lòng nhập tên quy trình."))
            definition = ProcessDefinition.objects.create(key=key, name=name[:300], description=description)
        elif name and (name != definition.name or (description and description != definition.description)):
            definition.name = name[:300]
            definition.description = description or definition.description
            definition.save(update_fields=["name", "description"])
        latest = definition.versions.order_by("-number").first()
        if latest is not None and latest.sha256 == outcome.sha256:
            raise WorkflowError(_("Tệp này giống hệt phiên bản %(n)s đã có.") % {"n": latest.number})
        if activate:
            definition.versions.filter(is_active=True).update(is_active=False)
        version = ProcessVersion.objects.create(
            definition=definition,
            number=(latest.number + 1) if latest else 1,
            bpmn_xml=text,
            process_id=outcome.process_id,
            sha256=outcome.sha256,
            step_config=outcome.step_config,
            is_active=activate,
            uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
            note=(note or "")[:500],
        )
        changes = {"key": key, "number": version.number, "sha256": version.sha256, "active": activate}
        audit.record("workflow.version.upload", version, changes=changes, actor=uploaded_by)
        events.publish("workflow.version_uploaded", changes, aggregate=version)
    return version


def activate_version(version: ProcessVersion, *, by=None) -> ProcessVersion:
    """Make ``version`` the one new dossiers use. Effects: the others of its definition deactivated,
    audit ``workflow.version.activate``. Running instances are not moved (see ``migrate``)."""
    with transaction.atomic():
        ProcessDefinition.objects.select_for_update().filter(pk=version.definition_id).first()
        ProcessVersion.objects.filter(definition_id=version.definition_id, is_active=True).update(
            is_active=False
        )
        ProcessVersion.objects.filter(pk=version.pk).update(is_active=True)
        version.is_active = True
        audit.record("workflow.version.activate", version, changes={"number": version.number}, actor=by)
    return version


DEFAULT_PROCESSES = (
    (
        "chung-thuc-trong-ngay",
        "chung-thuc-trong-ngay.bpmn",
        "Chứng thực bản sao trong ngày (cấp xã)",
        "Tiếp nhận → chứng thực, ký → trả kết quả trong ngày tại UBND cấp xã.",
    ),
    (
        "giai-quyet-tai-so",
        "giai-quyet-tai-so.bpmn",
        "Giải quyết hồ sơ tại sở, ngành",
        "Tiếp nhận → phân công → xử lý → xem xét (không đạt thì xử lý lại) → phê duyệt → ký → trả kết quả.",
    ),
    (
        "lien-thong-khai-sinh-thuong-tru-bhyt",
        "lien-thong-khai-sinh.bpmn",
        "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi",
        "UBND cấp xã tiếp nhận, đăng ký khai sinh, lãnh đạo ký giấy khai sinh (không đồng ý thì đăng ký "
        "lại) → song song: Công an đăng ký thường trú, Bảo hiểm xã hội cấp thẻ BHYT → tổng hợp → trả kết "
        "quả.",
    ),
    (
        "tham-dinh-ky-duyet",
        "tham-dinh-ky-duyet.bpmn",
        "Thẩm định, lãnh đạo ký duyệt, trả kết quả (một cơ quan)",
        "Chuyên viên thẩm định, dự thảo → lãnh đạo xem xét, phê duyệt và ký (không đồng ý thì thẩm định "
        "lại) → ghi nhận kết quả → một cửa trả kết quả. Cho thủ tục mà kết quả là quyết định, giấy chứng "
        "nhận, giấy phép có chữ ký của người có thẩm quyền.",
    ),
    (
        "lien-thong-khai-tu-xoa-thuong-tru-mai-tang",
        "lien-thong-khai-tu.bpmn",
        "Liên thông đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng",
        "UBND cấp xã đăng ký khai tử, lãnh đạo ký trích lục → song song: Công an xóa đăng ký thường trú, "
        "Bảo hiểm xã hội giải quyết trợ cấp mai táng → tổng hợp → trả kết quả.",
    ),
)


def load_default_processes(*, by=None) -> list[ProcessVersion]:
    """Install the processes shipped in ``workflow/bpmn/`` (idempotent: a file already the latest version
    of its key is skipped; a changed file becomes a new active version). Returns the versions created.
    Called by the demo seeding and ``manage.py load_default_processes``."""
    created = []
    for key, filename, name, description in DEFAULT_PROCESSES:
        xml = (BPMN_DIR / filename).read_text(encoding="utf-8")
        latest = ProcessVersion.objects.filter(definition__key=key).order_by("-number").first()
        if latest is not None and latest.sha256 == hashlib.sha256(xml.encode("utf-8")).hexdigest():
            continue
        created.append(
            upload_version(
                key=key,
                name=name,
                description=description,
                xml=xml,
                uploaded_by=by,
                note=_("Quy trình mẫu của congso"),
            )
        )
    return created
