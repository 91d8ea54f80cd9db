"""How an agency's documents are headed and signed: ``document_settings_for(agency)`` resolves an
agency's ``AgencyDocumentSettings`` (each blank field replaced by the default for its kind and place)
into a ``DocumentSettings``. Other blocks reach it through ``agencies.services``."""

from dataclasses import dataclass

from .models import AdministrativeUnit, Agency, AgencyDocumentSettings, AgencyKind, SignerAuthority

_PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"
# Both spellings of "Ủy" are in use (tone mark on U or on Y).
_COMMITTEE_SPELLINGS = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN")
_DIVISION_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)
# The title of the head of each kind of agency, as printed in a signature block.
_HEAD_TITLES = {
    AgencyKind.PEOPLES_COMMITTEE: "CHỦ TỊCH",
    AgencyKind.DEPARTMENT: "GIÁM ĐỐC",
    AgencyKind.SERVICE_CENTRE: "GIÁM ĐỐC",
    AgencyKind.POLICE: "TRƯỞNG CÔNG AN",
    AgencyKind.SOCIAL_INSURANCE: "GIÁM ĐỐC",
    AgencyKind.DIVISION: "TRƯỞNG PHÒNG",
}
_DEFAULT_HEAD_TITLE = "THỦ TRƯỞNG CƠ QUAN"
_DEFAULT_ONE_STOP_UNIT = "Bộ phận Một cửa"


@dataclass(frozen=True)
class DocumentSettings:
    """The header and signature details of an agency's documents, every value resolved (a blank
    ``AgencyDocumentSettings`` field replaced by its default). Upper-case lines are already upper case.
    """

    agency: Agency
    superior_name: str
    display_name: str
    short_name: str
    place_name: str
    signer_authority: str
    authority_holder: str
    signer_title: str
    signer_name: str
    one_stop_unit_name: str
    phone: str
    address: str
    footer_note: str

    @property
    def short_display_name(self) -> str:
        """``display_name`` with "ỦY BAN NHÂN DÂN" shortened to "UBND", for the upper line of a
        header whose lower line is a unit of the agency (the one-stop unit)."""
        return _short_committee(self.display_name)

    @property
    def signature_lines(self) -> list[str]:
        """The upper-case lines above the signature: ``["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]``,
        ``["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]``, ``["Q. GIÁM ĐỐC"]`` or ``["GIÁM ĐỐC"]``."""
        if not self.signer_authority:
            return [self.signer_title] if self.signer_title else []
        first = f"{self.signer_authority} {self.authority_holder}".strip()
        title_adds_nothing = self.signer_title in ("", self.authority_holder)
        if self.signer_authority == SignerAuthority.ACTING or title_adds_nothing:
            return [first]
        return [first, self.signer_title]


def _upper(text: str) -> str:
    return " ".join(str(text or "").split()).upper()


def _short_committee(upper_name: str) -> str:
    """``ỦY BAN NHÂN DÂN TỈNH BÌNH DƯƠNG`` → ``UBND TỈNH BÌNH DƯƠNG``, the usual form of the superior
    agency's line."""
    for spelling in _COMMITTEE_SPELLINGS:
        if upper_name.startswith(spelling + " "):
            return "UBND " + upper_name[len(spelling) + 1 :]
    return upper_name


def _full_name(agency: Agency) -> str:
    """The agency's name in upper case, "UBND" written out: an issuing agency's name is not
    abbreviated (Decree 30/2020), even when the list of agencies abbreviates it."""
    name = _upper(agency.name)
    if name.startswith("UBND "):
        return _PEOPLES_COMMITTEE + name[len("UBND") :]
    return name


def _without_superior_place(upper_name: str, superior: str) -> str:
    """Drop the place the superior line already states: under "UBND TỈNH BÌNH DƯƠNG" the agency
    line reads "SỞ TƯ PHÁP", not "SỞ TƯ PHÁP TỈNH BÌNH DƯƠNG"."""
    for marker in (" TỈNH ", " THÀNH PHỐ ", " PHƯỜNG ", " XÃ ", " ĐẶC KHU "):
        index = superior.find(marker)
        if index < 0:
            continue
        place = superior[index:]
        if upper_name.endswith(place) and len(upper_name) > len(place):
            return upper_name[: -len(place)]
    return upper_name


def _place_of(unit: AdministrativeUnit) -> str:
    """The place name of a unit as written before a date (Decree 30/2020): its name without the
    division word — "Phường Thủ Dầu Một" → "Thủ Dầu Một"."""
    name = " ".join(unit.name.split())
    prefixes = ([unit.division_type.lower()] if unit.division_type else []) + list(_DIVISION_PREFIXES)
    for prefix in prefixes:
        if prefix and name.lower().startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def _derived_place(agency: Agency) -> str:
    """The place of the nearest agency up the tree that has an administrative unit."""
    seen = set()
    current = agency
    while current is not None and current.pk not in seen:
        if current.administrative_unit_id is not None:
            return _place_of(current.administrative_unit)
        seen.add(current.pk)
        current = current.parent
    return ""


def _head_title(agency: Agency) -> str:
    return _HEAD_TITLES.get(agency.kind, _DEFAULT_HEAD_TITLE)


def _holder_for(authority: str, agency: Agency, display_name: str) -> str:
    """Who the signer signs for under ``authority``: the collective after TM., the head after KT.,
    Q., TL., TUQ."""
    if authority == SignerAuthority.ON_BEHALF_OF_COLLECTIVE:
        return _PEOPLES_COMMITTEE if agency.kind == AgencyKind.PEOPLES_COMMITTEE else display_name
    return _head_title(agency) if authority else ""


def _title_for(authority: str, agency: Agency) -> str:
    """The signer's title when none was set: the head signing directly or for the collective, a
    deputy ("PHÓ …") signing for the head; none after Q. (the authority line says it all) or after
    TL./TUQ. (the signer's own title has to be set)."""
    if authority in ("", SignerAuthority.ON_BEHALF_OF_COLLECTIVE):
        return _head_title(agency)
    if authority == SignerAuthority.DEPUTY:
        return "PHÓ " + _head_title(agency)
    return ""


def document_settings_for(agency: Agency) -> DocumentSettings:
    """The resolved header and signer details for documents issued by ``agency``.

    Each blank field of the agency's ``AgencyDocumentSettings`` (or every field, when it has none) is
    derived: ``display_name`` = the agency's name in upper case ("UBND" written out), without the
    place the superior line already names ("SỞ TƯ PHÁP" under "UBND TỈNH BÌNH DƯƠNG");
    ``superior_name`` = the parent agency's name in upper case with "ỦY BAN NHÂN DÂN" shortened to
    "UBND" (empty without a parent, and for a People's Committee, which has no managing agency);
    ``place_name`` = the agency's (or its nearest ancestor's) administrative unit without the division
    word; ``one_stop_unit_name`` = the agency's name for a public service centre, otherwise
    "Bộ phận Một cửa"; ``phone`` = the agency's phone. The signer: when neither an authority nor a
    title is set, a People's Committee signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" and other agencies
    "<head title>" (GIÁM ĐỐC, TRƯỞNG CÔNG AN…) directly; once a title or an authority is set, the
    authority is taken as given (blank = signs directly) and a missing holder or title is derived
    from it (KT. → "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH").
    Reads only (one query for the settings, one per ancestor walked); raises nothing.
    """
    stored = AgencyDocumentSettings.objects.filter(agency=agency).first()
    stored = stored or AgencyDocumentSettings(agency=agency)
    # A People's Committee heads its documents with its own name only (it has no managing agency).
    parent = agency.parent if agency.kind != AgencyKind.PEOPLES_COMMITTEE else None
    superior = _upper(stored.superior_name) or (_short_committee(_upper(parent.name)) if parent else "")
    display_name = _upper(stored.display_name) or _without_superior_place(_full_name(agency), superior)
    if stored.signer_authority or stored.signer_title:
        authority = stored.signer_authority
    elif agency.kind == AgencyKind.PEOPLES_COMMITTEE:
        authority = SignerAuthority.ON_BEHALF_OF_COLLECTIVE
    else:
        authority = ""
    holder = _upper(stored.authority_holder) or _holder_for(authority, agency, display_name)
    title = _upper(stored.signer_title) or _title_for(authority, agency)
    if agency.kind == AgencyKind.SERVICE_CENTRE:
        one_stop = stored.one_stop_unit_name or agency.name
    else:
        one_stop = stored.one_stop_unit_name or _DEFAULT_ONE_STOP_UNIT
    short_name = agency.short_name or ("UBND" if agency.kind == AgencyKind.PEOPLES_COMMITTEE else "")
    return DocumentSettings(
        agency=agency,
        superior_name=superior,
        display_name=display_name,
        short_name=short_name,
        place_name=" ".join(stored.place_name.split()) or _derived_place(agency),
        signer_authority=str(authority),
        authority_holder=holder,
        signer_title=title,
        signer_name=" ".join(stored.signer_name.split()),
        one_stop_unit_name=" ".join(one_stop.split()),
        phone=stored.phone.strip() or agency.phone,
        address=agency.address,
        footer_note=stored.footer_note.strip(),
    )
