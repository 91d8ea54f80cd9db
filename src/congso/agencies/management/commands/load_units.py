"""``manage.py load_units``: load administrative units from the maintained datasets."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from congso.agencies.loaders import (
    HO_CHI_MINH_CITY_CODE,
    LoaderError,
    LoadResult,
    load_binh_duong_history,
    load_current_divisions,
)


class Command(BaseCommand):
    help = _(
        "Nạp đơn vị hành chính từ gói vietnam-provinces (từ 1/7/2025) "
        "và lịch sử tỉnh Bình Dương (đến 30/6/2025)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="MÃ",
            help=_("Mã tỉnh, thành phố cần nạp (lặp lại được), ví dụ --province 79."),
        )
        parser.add_argument(
            "--all", action="store_true", dest="all_provinces", help=_("Nạp cả 34 tỉnh, thành phố.")
        )
        parser.add_argument(
            "--binh-duong-history",
            action="store_true",
            help=_(
                "Nạp thêm tỉnh Bình Dương trước 1/7/2025 và quan hệ kế thừa (tự nạp Thành phố Hồ Chí Minh)."
            ),
        )

    def handle(self, *args, province, all_provinces, binh_duong_history, **options):
        if all_provinces and province:
            raise CommandError(_("Chỉ dùng một trong hai: --province hoặc --all."))
        if not (all_provinces or province or binh_duong_history):
            raise CommandError(_("Hãy chọn --province MÃ, --all hoặc --binh-duong-history."))
        codes = None if all_provinces else list(province)
        if (
            binh_duong_history
            and codes is not None
            and HO_CHI_MINH_CITY_CODE not in {c.strip().zfill(2) for c in codes}
        ):
            codes.append(HO_CHI_MINH_CITY_CODE)
        started = time.monotonic()
        result = LoadResult()
        try:
            with transaction.atomic():
                result.add(load_current_divisions(codes))
                if binh_duong_history:
                    result.add(load_binh_duong_history())
        except LoaderError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nạp đơn vị hành chính: %(result)s (%(seconds).1f giây).")
                % {"result": result, "seconds": time.monotonic() - started}
            )
        )
