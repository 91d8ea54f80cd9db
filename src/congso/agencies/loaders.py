"""Loading administrative units from maintained datasets.

* ``load_current_divisions`` — the two-level divisions in force since 1 July 2025 (34 provinces, 3,321
  communes, wards and special zones) from the PyPI package ``vietnam-provinces``.
* ``load_binh_duong_history`` — Bình Dương (74) before 1 July 2025, its districts and communes, from
  ``data/binh_duong_pre2025.json`` (an extract of ``vietnam-provinces`` 0.6.0, see ``data/README.md``),
  and the links to the units that carried them on.

Both are idempotent upserts in one transaction each: running them again updates names and types that
changed in the dataset and creates nothing twice. Neither deletes a unit, so history survives a new
dataset.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import vietnam_provinces
from django.db import transaction
from django.utils.translation import gettext as _

from .models import AdministrativeUnit, UnitLevel, UnitSuccession

# The first day of two-level local government (Resolution 202/2025/QH15 and the commune resolutions).
REORGANISATION_DAY = date(2025, 7, 1)
LAST_DAY_BEFORE_REORGANISATION = date(2025, 6, 30)

CURRENT_SOURCE = f"vietnam-provinces {vietnam_provinces.__version__}"
BINH_DUONG_HISTORY_FILE = Path(__file__).resolve().parent / "data" / "binh_duong_pre2025.json"
BINH_DUONG_HISTORY_SOURCE = "vietnam-provinces 0.6.0 (trích xuất: agencies/data/binh_duong_pre2025.json)"
BINH_DUONG_CODE = "74"
HO_CHI_MINH_CITY_CODE = "79"
BINH_DUONG_MERGER_BASIS = "Nghị quyết 202/2025/QH15"
# Stored data, not interface text: kept in Vietnamese whatever the language of the request.
BINH_DUONG_MERGER_SOURCE = (
    "Nghị quyết 202/2025/QH15: toàn bộ tỉnh Bà Rịa - Vũng Tàu, tỉnh Bình Dương và Thành phố Hồ Chí Minh "
    "sắp xếp thành Thành phố Hồ Chí Minh"
)
# Why a former commune is linked to the new one with its code [verify]: 3,310 of the 3,321 commune codes
# of 2025 already existed in the list of January 2025, and the 2025 code list (Decision 19/2025/QĐ-TTg,
# as reported) never gives a code to a different unit of the same level; so a new commune carrying a
# former commune's code is read as carrying that commune on. Bình Dương's 91 communes give 36 such links,
# matching the reported arrangement of its 91 communes into 36. Names are no guide: the new "Xã Trừ Văn
# Thố" carries the code of the former "Xã Cây Trường II", not of the former "Xã Trừ Văn Thố".
SAME_CODE_SOURCE = (
    "Suy ra từ mã số: đơn vị mới mang mã của đơn vị cũ (vietnam-provinces 0.6.0 và "
    f"{vietnam_provinces.__version__}); chưa có bảng chuyển đổi chính thức"
)

_UNIT_FIELDS = ("name", "division_type", "level", "parent_id", "source")


class LoaderError(Exception):
    """A dataset cannot be loaded as asked; the message is for the operator, in Vietnamese."""


@dataclass
class LoadResult:
    """How many units a load created, updated (a field differed) and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions: int = 0

    def add(self, other: "LoadResult") -> "LoadResult":
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.successions += other.successions
        return self

    def __str__(self) -> str:
        return _(
            "%(created)d tạo mới, %(updated)d cập nhật, %(unchanged)d không đổi, "
            "%(successions)d quan hệ kế thừa mới"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "successions": self.successions,
        }


def _clean_name(name: str) -> str:
    # The 2025 dataset has a few doubled spaces ("Phường  Rạch Dừa"); they are typing slips, not names.
    return re.sub(r"\s+", " ", name).strip()


def _normalise_province_code(code) -> str:
    text = str(code).strip()
    if not text.isdigit() or len(text) > 2:
        raise LoaderError(_("Mã tỉnh “%(code)s” không hợp lệ: mã tỉnh gồm 1–2 chữ số.") % {"code": code})
    return text.zfill(2)


def _read_current_dataset() -> list[dict]:
    return json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))


def _upsert(rows: list[AdministrativeUnit], existing: dict[str, AdministrativeUnit], result: LoadResult):
    """Create the rows whose code is not in ``existing``, update those that differ; return code→saved row.

    Rows are compared field by field so an unchanged dataset costs reads only.
    """
    saved: dict[str, AdministrativeUnit] = {}
    to_create, to_update = [], []
    for row in rows:
        current = existing.get(row.code)
        if current is None:
            to_create.append(row)
            continue
        if any(getattr(current, f) != getattr(row, f) for f in _UNIT_FIELDS):
            for f in _UNIT_FIELDS:
                setattr(current, f, getattr(row, f))
            to_update.append(current)
        else:
            result.unchanged += 1
        saved[row.code] = current
    if to_create:
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
        # SQLite before 3.35 and some drivers return no primary keys from bulk_create: read them back.
        fresh = AdministrativeUnit.objects.filter(
            code__in=[r.code for r in to_create],
            valid_from=to_create[0].valid_from,
            valid_to=to_create[0].valid_to,
        )
        saved.update({u.code: u for u in fresh})
        result.created += len(to_create)
    if to_update:
        AdministrativeUnit.objects.bulk_update(to_update, list(_UNIT_FIELDS), batch_size=500)
        result.updated += len(to_update)
    return saved


def load_current_divisions(province_codes=None) -> LoadResult:
    """Load or refresh the provinces and communes in force since 1 July 2025.

    ``province_codes``: GSO province codes (``"79"``, ``79`` or ``"7"``→``"07"``); ``None`` loads all 34.
    Each unit is matched by code among the rows that came into force on 1 July 2025; a new row gets
    ``valid_from`` 2025-07-01 and no end. Name, type, level, parent and source are updated when the
    dataset differs; ``valid_to`` set by an administrator is never touched.
    Raises ``LoaderError`` (nothing changed) for a code that is not a province of the dataset.
    """
    dataset = _read_current_dataset()
    by_code = {f"{p['code']:02d}": p for p in dataset}
    if province_codes is None:
        wanted = sorted(by_code)
    else:
        wanted = sorted({_normalise_province_code(c) for c in province_codes})
        unknown = [c for c in wanted if c not in by_code]
        if unknown:
            raise LoaderError(
                _("Không có tỉnh, thành phố mang mã %(codes)s trong dữ liệu %(source)s.")
                % {"codes": ", ".join(unknown), "source": CURRENT_SOURCE}
            )
    result = LoadResult()
    with transaction.atomic():
        current = AdministrativeUnit.objects.filter(valid_from=REORGANISATION_DAY)
        province_rows = [
            AdministrativeUnit(
                code=code,
                name=_clean_name(by_code[code]["name"]),
                division_type=by_code[code]["division_type"],
                level=UnitLevel.PROVINCE,
                parent_id=None,
                valid_from=REORGANISATION_DAY,
                source=CURRENT_SOURCE,
            )
            for code in wanted
        ]
        existing = {u.code: u for u in current.filter(level=UnitLevel.PROVINCE, code__in=wanted)}
        provinces = _upsert(province_rows, existing, result)

        ward_rows = [
            AdministrativeUnit(
                code=f"{ward['code']:05d}",
                name=_clean_name(ward["name"]),
                division_type=ward["division_type"],
                level=UnitLevel.COMMUNE,
                parent_id=provinces[code].pk,
                valid_from=REORGANISATION_DAY,
                source=CURRENT_SOURCE,
            )
            for code in wanted
            for ward in by_code[code]["wards"]
        ]
        existing = {
            u.code: u for u in current.filter(level=UnitLevel.COMMUNE, code__in=[r.code for r in ward_rows])
        }
        _upsert(ward_rows, existing, result)
    return result


def read_binh_duong_history() -> dict:
    """The shipped extract of Bình Dương's pre-2025 units, as parsed JSON (``province`` and ``_meta``)."""
    return json.loads(BINH_DUONG_HISTORY_FILE.read_text(encoding="utf-8"))


def _ensure_succession(predecessor, successor, effective_on, legal_basis, source, result: LoadResult) -> None:
    link, created = UnitSuccession.objects.get_or_create(
        predecessor=predecessor,
        successor=successor,
        defaults={"effective_on": effective_on, "legal_basis": legal_basis, "source": source},
    )
    if created:
        result.successions += 1
    elif (link.effective_on, link.legal_basis, link.source) != (effective_on, legal_basis, source):
        link.effective_on, link.legal_basis, link.source = effective_on, legal_basis, source
        link.save(update_fields=["effective_on", "legal_basis", "source"])


def load_binh_duong_history() -> LoadResult:
    """Load Bình Dương as it stood until 30 June 2025 and link it to what carried it on.

    Creates or updates the province (74), its 9 district-level and 91 commune-level units, all with
    ``valid_to`` 2025-06-30 (matched by code among rows ending that day). Records the succession
    Bình Dương → Thành phố Hồ Chí Minh (79) effective 2025-07-01 under Resolution 202/2025/QH15, and
    links each former commune to the commune of Ho Chi Minh City in force since 2025-07-01 that carries
    the same GSO code (36 of 91; the others have no recorded successor, see ``data/README.md``).
    Raises ``LoaderError`` (nothing changed) when Thành phố Hồ Chí Minh has not been loaded yet
    (``load_current_divisions(["79"])``).
    """
    hcmc = AdministrativeUnit.objects.filter(
        code=HO_CHI_MINH_CITY_CODE, level=UnitLevel.PROVINCE, valid_from=REORGANISATION_DAY
    ).first()
    if hcmc is None:
        raise LoaderError(
            _(
                "Cần nạp Thành phố Hồ Chí Minh (mã 79) trước khi nạp lịch sử tỉnh Bình Dương: "
                "manage.py load_units --province 79."
            )
        )
    province = read_binh_duong_history()["province"]
    result = LoadResult()
    with transaction.atomic():
        ended = AdministrativeUnit.objects.filter(valid_to=LAST_DAY_BEFORE_REORGANISATION)

        def rows(level, items, parent_of):
            return [
                AdministrativeUnit(
                    code=item["code"],
                    name=_clean_name(item["name"]),
                    division_type=item["division_type"],
                    level=level,
                    parent_id=parent_of(item),
                    valid_from=None,
                    valid_to=LAST_DAY_BEFORE_REORGANISATION,
                    source=BINH_DUONG_HISTORY_SOURCE,
                )
                for item in items
            ]

        saved = _upsert(
            rows(UnitLevel.PROVINCE, [province], lambda _item: None),
            {u.code: u for u in ended.filter(level=UnitLevel.PROVINCE, code=province["code"])},
            result,
        )
        province_pk = saved[province["code"]].pk
        districts = province["districts"]
        saved_districts = _upsert(
            rows(UnitLevel.DISTRICT, districts, lambda _item: province_pk),
            {
                u.code: u
                for u in ended.filter(level=UnitLevel.DISTRICT, code__in=[d["code"] for d in districts])
            },
            result,
        )
        commune_items = [dict(c, district=d["code"]) for d in districts for c in d["communes"]]
        saved_communes = _upsert(
            rows(UnitLevel.COMMUNE, commune_items, lambda item: saved_districts[item["district"]].pk),
            {
                u.code: u
                for u in ended.filter(level=UnitLevel.COMMUNE, code__in=[c["code"] for c in commune_items])
            },
            result,
        )

        _ensure_succession(
            saved[province["code"]],
            hcmc,
            REORGANISATION_DAY,
            BINH_DUONG_MERGER_BASIS,
            BINH_DUONG_MERGER_SOURCE,
            result,
        )
        same_code = AdministrativeUnit.objects.filter(
            parent=hcmc, level=UnitLevel.COMMUNE, valid_from=REORGANISATION_DAY, code__in=list(saved_communes)
        )
        for successor in same_code:
            _ensure_succession(
                saved_communes[successor.code], successor, REORGANISATION_DAY, "", SAME_CODE_SOURCE, result
            )
    return result


def load_demo_units() -> LoadResult:
    """What the demo needs: Thành phố Hồ Chí Minh (79) and its communes, then Bình Dương's history."""
    result = load_current_divisions([HO_CHI_MINH_CITY_CODE])
    return result.add(load_binh_duong_history())
