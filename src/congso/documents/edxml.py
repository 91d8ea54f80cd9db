"""edXML packages (QCVN 102:2016, STANDARDS §5): an outgoing document as the package sent to one
recipient, the status messages that come back, and the parsing of both from untrusted bytes.

Package: namespace ``http://www.mic.gov.vn/TBT/QCVN_102_2016``, every element prefixed ``edXML:``. The
header carries From/To (OrganId, OrganName …), DocumentId ``{senderOrganId},{yyyy/MM/dd},{number}/
{notation}``, Code (CodeNumber, CodeNotation), PromulgationInfo (Place, PromulgationDate
``yyyy/MM/dd``), DocumentType, Subject, Content, SignerInfo, DueDate, ToPlaces, OtherInfo (Priority,
PageAmount, SecurityLevel), ResponseFor and a TraceHeaderList; the manifest lists the attachments and
AttachmentEncoded carries them in base64. The document's own signature is the PAdES signature inside
its PDF; the XML-DSig signature of the envelope (DigitalSignature) is added by ``envelope_signature``
after ``build`` and checked by it after ``parse`` (``services.package_for`` / ``receive_package``).

Status message: the same header parts From/To and ResponseFor (the DocumentId), a StatusCode (01
arrived, 02 refused, 03 accepted, 04 assigned, 05 processing, 06 done, 13 recalled, 15 recall agreed,
16 recall refused), a Description and a Timestamp.

Parsing is hostile-input safe: ``defusedxml`` refuses any DTD (so XXE and entity expansion cannot
happen), the package is refused above ``MAX_PACKAGE_BYTES`` before parsing, attachments above
``MAX_ATTACHMENTS`` or with bad base64 are refused, and every refusal is ``PackageError`` with a reason.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils import timezone
from django.utils.translation import gettext as _

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
ET.register_namespace("edXML", NS)

MAX_PACKAGE_BYTES = 30 * 1024 * 1024
MAX_ATTACHMENTS = 20
STATUS_CODES = {"01", "02", "03", "04", "05", "06", "13", "15", "16"}
_DOCUMENT_ID = re.compile(
    r"^(?P<organ>[^,]{1,20}),(?P<day>\d{4}/\d{2}/\d{2}),(?P<number>\d+)/(?P<notation>.{1,60})$"
)
# QCVN 102's priority codes: 0 normal, 1 urgent, 2 very urgent, 3 flash (hỏa tốc).
_PRIORITY = {"": "0", "khan": "1", "thuong_khan": "2", "hoa_toc": "3"}
_PRIORITY_BACK = {v: k for k, v in _PRIORITY.items()}


class PackageError(Exception):
    """A package or status message was refused; ``str(error)`` says why."""


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _sub(parent, name: str, text=None):
    element = ET.SubElement(parent, _q(name))
    if text is not None:
        element.text = str(text)
    return element


def document_id(organ_code: str, issued_on: date, number: int, notation: str) -> str:
    return f"{organ_code},{issued_on:%Y/%m/%d},{number}/{notation}"


@dataclass
class Package:
    """What a package says, parsed (or about to be built)."""

    from_code: str
    from_name: str
    to_code: str
    to_name: str
    number: int
    notation: str
    place: str
    issued_on: date
    type_code: str
    type_name: str
    subject: str
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: str = ""
    response_for: str = ""
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)

    @property
    def document_id(self) -> str:
        return document_id(self.from_code, self.issued_on, self.number, self.notation)

    @property
    def number_symbol(self) -> str:
        return f"{self.number:02d}/{self.notation}"


def build(package: Package) -> bytes:
    """The package as bytes (UTF-8, XML declaration)."""
    root = ET.Element(_q("edXMLEnvelope"))
    header = _sub(root, "edXMLHeader")
    message = _sub(header, "MessageHeader")
    sender = _sub(message, "From")
    _sub(sender, "OrganId", package.from_code)
    _sub(sender, "OrganName", package.from_name)
    to = _sub(message, "To")
    _sub(to, "OrganId", package.to_code)
    _sub(to, "OrganName", package.to_name)
    _sub(message, "DocumentId", package.document_id)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", package.number)
    _sub(code, "CodeNotation", package.notation)
    promulgation = _sub(message, "PromulgationInfo")
    _sub(promulgation, "Place", package.place)
    _sub(promulgation, "PromulgationDate", package.issued_on.strftime("%Y/%m/%d"))
    kind = _sub(message, "DocumentType")
    _sub(kind, "Type", package.type_code)
    _sub(kind, "TypeName", package.type_name)
    _sub(message, "Subject", package.subject)
    _sub(message, "Content", package.content)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", package.signer_competence)
    _sub(signer, "Position", package.signer_position)
    _sub(signer, "FullName", package.signer_name)
    _sub(message, "DueDate", package.due_date.strftime("%Y/%m/%d") if package.due_date else "")
    places = _sub(message, "ToPlaces")
    for place in package.to_places:
        _sub(places, "Place", place)
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", _PRIORITY.get(package.priority, "0"))
    _sub(other, "PageAmount", 1)
    _sub(other, "Appendixes", len(package.attachments))
    if package.response_for:
        _sub(message, "ResponseFor", package.response_for)
    trace = _sub(header, "TraceHeaderList")
    hop = _sub(trace, "TraceHeader")
    _sub(hop, "OrganId", package.from_code)
    _sub(hop, "Timestamp", timezone.localtime().strftime("%Y/%m/%d %H:%M:%S"))
    manifest = _sub(root, "edXMLManifest")
    encoded = _sub(root, "AttachmentEncoded")
    for index, (name, data, content_type) in enumerate(package.attachments, start=1):
        reference = _sub(manifest, "Reference")
        _sub(reference, "ContentId", f"cid:{index}")
        _sub(reference, "ContentType", content_type)
        _sub(reference, "AttachmentName", name)
        attachment = _sub(encoded, "Attachment")
        _sub(attachment, "ContentId", f"cid:{index}")
        _sub(attachment, "Value", base64.b64encode(data).decode("ascii"))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _parse_root(data: bytes, expected: str):
    if not isinstance(data, bytes | bytearray):
        raise PackageError(_("Gói tin phải là dữ liệu nhị phân."))
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError(_("Gói tin vượt quá %(mb)s MB.") % {"mb": MAX_PACKAGE_BYTES // (1024 * 1024)})
    try:
        root = fromstring(bytes(data), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise PackageError(
            _("Gói tin có khai báo DTD hoặc thực thể XML, không được chấp nhận (%(kind)s).")
            % {"kind": type(exc).__name__}
        ) from exc
    except ET.ParseError as exc:
        raise PackageError(_("Gói tin không phải XML hợp lệ: %(error)s") % {"error": exc}) from exc
    if root.tag != _q(expected):
        raise PackageError(
            _("Phần tử gốc phải là edXML:%(name)s thuộc không gian tên %(ns)s.")
            % {"name": expected, "ns": NS}
        )
    return root


def _text(parent, path: str, *, required: bool = False, limit: int = 2000) -> str:
    element = parent.find("/".join(f"edXML:{p}" for p in path.split("/")), {"edXML": NS})
    value = (element.text or "").strip() if element is not None else ""
    if required and not value:
        raise PackageError(_("Gói tin thiếu %(path)s.") % {"path": path})
    if len(value) > limit:
        raise PackageError(_("Trường %(path)s quá dài.") % {"path": path})
    return value


def _date(value: str, path: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y/%m/%d").date()
    except ValueError as exc:
        raise PackageError(_("%(path)s phải có dạng yyyy/MM/dd.") % {"path": path}) from exc


def parse(data: bytes) -> Package:
    """Read a package from untrusted bytes, or raise ``PackageError`` with the reason."""
    root = _parse_root(data, "edXMLEnvelope")
    header = root.find("edXML:edXMLHeader/edXML:MessageHeader", {"edXML": NS})
    if header is None:
        raise PackageError(_("Gói tin thiếu %(path)s.") % {"path": "edXMLHeader/MessageHeader"})
    number_text = _text(header, "Code/CodeNumber", required=True, limit=10)
    if not number_text.isdigit():
        raise PackageError(_("Code/CodeNumber phải là số."))
    issued_on = _date(
        _text(header, "PromulgationInfo/PromulgationDate", required=True, limit=10), "PromulgationDate"
    )
    package = Package(
        from_code=_text(header, "From/OrganId", required=True, limit=20),
        from_name=_text(header, "From/OrganName", required=True, limit=300),
        to_code=_text(header, "To/OrganId", required=True, limit=20),
        to_name=_text(header, "To/OrganName", limit=300),
        number=int(number_text),
        notation=_text(header, "Code/CodeNotation", required=True, limit=60),
        place=_text(header, "PromulgationInfo/Place", limit=100),
        issued_on=issued_on,
        type_code=_text(header, "DocumentType/Type", limit=10),
        type_name=_text(header, "DocumentType/TypeName", limit=100),
        subject=_text(header, "Subject", required=True, limit=2000),
        content=_text(header, "Content", limit=100_000),
        signer_competence=_text(header, "SignerInfo/Competence", limit=10),
        signer_position=_text(header, "SignerInfo/Position", limit=200),
        signer_name=_text(header, "SignerInfo/FullName", limit=200),
        due_date=_date(_text(header, "DueDate", limit=10), "DueDate"),
        to_places=[
            (p.text or "").strip()[:300] for p in header.findall("edXML:ToPlaces/edXML:Place", {"edXML": NS})
        ],
        priority=_PRIORITY_BACK.get(_text(header, "OtherInfo/Priority", limit=2) or "0", ""),
        response_for=_text(header, "ResponseFor", limit=200),
    )
    declared = _text(header, "DocumentId", limit=200)
    if declared and declared != package.document_id:
        raise PackageError(_("DocumentId không khớp với cơ quan gửi, ngày và số ký hiệu của văn bản."))
    references = root.findall("edXML:edXMLManifest/edXML:Reference", {"edXML": NS})
    encoded = {
        _text(a, "ContentId", limit=100): a
        for a in root.findall("edXML:AttachmentEncoded/edXML:Attachment", {"edXML": NS})
    }
    if len(references) > MAX_ATTACHMENTS:
        raise PackageError(_("Gói tin có quá %(n)s tệp đính kèm.") % {"n": MAX_ATTACHMENTS})
    for reference in references:
        content_id = _text(reference, "ContentId", required=True, limit=100)
        attachment = encoded.get(content_id)
        if attachment is None:
            raise PackageError(_("Không có nội dung cho tệp đính kèm %(id)s.") % {"id": content_id})
        try:
            value = base64.b64decode(
                _text(attachment, "Value", required=True, limit=MAX_PACKAGE_BYTES), validate=True
            )
        except (binascii.Error, ValueError) as exc:
            raise PackageError(
                _("Tệp đính kèm %(id)s không phải base64 hợp lệ.") % {"id": content_id}
            ) from exc
        name = _text(reference, "AttachmentName", required=True, limit=200)
        name = re.sub(r"[\\/\x00-\x1f]", "_", name)
        if not name.strip(" ."):
            # ".", ".." (a directory to the storage, which refuses it) or nothing readable.
            name = "tep-dinh-kem"
        package.attachments.append(
            (name, value, _text(reference, "ContentType", limit=100) or "application/octet-stream")
        )
    return package


# --- Status messages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusMessage:
    from_code: str
    from_name: str
    to_code: str
    response_for: str
    status: str
    description: str = ""
    timestamp: str = ""


def build_status(message: StatusMessage) -> bytes:
    root = ET.Element(_q("Status"))
    header = _sub(root, "Header")
    sender = _sub(header, "From")
    _sub(sender, "OrganId", message.from_code)
    _sub(sender, "OrganName", message.from_name)
    to = _sub(header, "To")
    _sub(to, "OrganId", message.to_code)
    _sub(header, "ResponseFor", message.response_for)
    _sub(header, "StatusCode", message.status)
    _sub(header, "Description", message.description)
    _sub(header, "Timestamp", message.timestamp or timezone.localtime().strftime("%Y/%m/%d %H:%M:%S"))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def parse_status(data: bytes) -> StatusMessage:
    root = _parse_root(data, "Status")
    header = root.find("edXML:Header", {"edXML": NS})
    if header is None:
        raise PackageError(_("Gói tin thiếu %(path)s.") % {"path": "Header"})
    status = _text(header, "StatusCode", required=True, limit=2)
    if status not in STATUS_CODES:
        raise PackageError(_("Mã trạng thái %(code)s không có trong QCVN 102:2016.") % {"code": status})
    response_for = _text(header, "ResponseFor", required=True, limit=200)
    if not _DOCUMENT_ID.match(response_for):
        raise PackageError(_("ResponseFor không phải là DocumentId hợp lệ."))
    return StatusMessage(
        from_code=_text(header, "From/OrganId", required=True, limit=20),
        from_name=_text(header, "From/OrganName", limit=300),
        to_code=_text(header, "To/OrganId", required=True, limit=20),
        response_for=response_for,
        status=status,
        description=_text(header, "Description", limit=500),
        timestamp=_text(header, "Timestamp", limit=30),
    )


def split_document_id(value: str):
    """``(organ code, date, number, notation)`` of a DocumentId, or ``PackageError``."""
    match = _DOCUMENT_ID.match(value or "")
    if match is None:
        raise PackageError(_("DocumentId không hợp lệ."))
    return (
        match["organ"],
        datetime.strptime(match["day"], "%Y/%m/%d").date(),
        int(match["number"]),
        match["notation"],
    )
