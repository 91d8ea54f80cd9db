"""The simulated national portal's demo content around the province's catalogue: a newer national
version of one procedure (so the comparison has a difference to show), two procedures the province does
not have, and two dossiers submitted on the portal for the demo's commune. Fictitious: the decisions and
the codes 1.099901 and 1.099902 are made up, marked "mô phỏng"."""

import copy

CHANGED_CODE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân
CHANGED_DECISION = "Quyết định 2210/QĐ-BTP ngày 20/10/2026 (mô phỏng)"


def national_changes(packages: list[dict]) -> list[dict]:
    """A later version of ``CHANGED_CODE`` (time limit 5 working days, one paper added, the legal basis
    extended) and two procedures only the national catalogue has."""
    changes = []
    base = next((p for p in packages if p.get("MATTHC") == CHANGED_CODE), None)
    if base is not None:
        newer = copy.deepcopy(base)
        newer["QUYETDINH"] = CHANGED_DECISION
        newer["CANCUPHAPLY"] = [
            *base.get("CANCUPHAPLY", []),
            {"SOVANBAN": "", "TENVANBAN": "Nghị định sửa đổi quy định về đăng ký hộ tịch (mô phỏng)"},
        ]
        for way in newer.get("CACHTHUCTHUCHIEN", []):
            for timing in way.get("THOIGIAN", []):
                timing["THOIGIANGIAIQUYET"] = "5"
                timing["DONVITINH"] = "Ngày làm việc"
        for case in newer.get("THANHPHANHOSO", []):
            case.setdefault("GIAYTO", []).append(
                {"MAGIAYTO": "GT-XN-CU-TRU", "TENGIAYTO": "Giấy tờ chứng minh nơi cư trú (mô phỏng)"}
            )
        changes.append(newer)
    for code, name in (
        ("1.099901", "Đăng ký khai sinh có yếu tố nước ngoài tại cấp xã (mô phỏng)"),
        ("1.099902", "Xác nhận thông tin hộ tịch điện tử (mô phỏng)"),
    ):
        changes.append(
            {
                "MATTHC": code,
                "QUYETDINH": CHANGED_DECISION,
                "TENTTHC": name,
                "CANCUPHAPLY": [{"SOVANBAN": "", "TENVANBAN": "Luật Hộ tịch số 60/2014/QH13"}],
                "CACHTHUCTHUCHIEN": [
                    {"KENH": "2", "THOIGIAN": [{"THOIGIANGIAIQUYET": "3", "DONVITINH": "Ngày làm việc"}]}
                ],
                "THANHPHANHOSO": [{"TRUONGHOP": "", "GIAYTO": [{"MAGIAYTO": "TK", "TENGIAYTO": "Tờ khai"}]}],
            }
        )
    return changes
