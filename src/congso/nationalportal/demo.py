"""The link's part of the demo: the simulated national catalogue made to agree with the province's
(every published procedure with a national code, as the national portal would publish it), which the
project's demo seeding hands to the sandbox. The link's own tables start empty: they fill when the
demo's worker runs the periodic jobs against the simulated portal."""

from congso.catalog import services as catalog_services

DEMO_DECISION = "Quyết định 1085/QĐ-BTP ngày 15/6/2025 (mô phỏng)"


def package_of(version, decision: str = DEMO_DECISION) -> dict:
    """``version`` in the national catalogue's shape (LayThuTuc, STANDARDS.md §8.1b)."""
    procedure = version.procedure
    unit = "Giờ làm việc" if version.time_limit_unit == "working_hours" else "Ngày làm việc"
    return {
        "MATTHC": procedure.national_code,
        "QUYETDINH": decision,
        "TENTTHC": procedure.name,
        "CAPTHUCHIEN": procedure.get_level_display(),
        "LINHVUCTHUCHIEN": [{"MALINHVUC": procedure.field.code, "TENLINHVUC": procedure.field.name}],
        "CANCUPHAPLY": [{"SOVANBAN": "", "TENVANBAN": version.legal_basis}],
        "YEUCAU": version.conditions,
        "DOITUONGTHUCHIEN": [{"TENDOITUONG": version.applicant_types}] if version.applicant_types else [],
        "KETQUATHUCHIEN": [{"MAKETQUA": "", "TENKETQUA": version.result_type}] if version.result_type else [],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": "1",
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": str(version.time_limit_value),
                        "DONVITINH": unit,
                        "MOTA": version.time_limit_note,
                        "PHILEPHI": [
                            {"MAPHILEPHI": "", "SOTIEN": str(fee.amount), "DONVI": "Đồng", "MOTA": fee.name}
                            for fee in version.fees.all()
                        ],
                    }
                ],
            }
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {"MAGIAYTO": paper.code, "TENGIAYTO": paper.name, "TENMAUDON": "", "URL": ""}
                    for paper in catalog_services.required_papers(version)
                ],
            }
        ],
    }


def catalogue_packages() -> list[dict]:
    """The province's procedures in force that have a national code, as national packages."""
    packages = []
    for code in catalog_services.local_codes_with_national_code().values():
        try:
            version = catalog_services.version_in_force(code)
        except catalog_services.ProcedureNotAvailable:
            continue
        packages.append(package_of(version))
    return packages
