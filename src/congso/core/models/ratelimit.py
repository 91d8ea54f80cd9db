import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RateCounterQuerySet(models.QuerySet):
    """A sliding-window counter kept in the database, so every web process sees the same counts.

    A window of ``window`` seconds is cut into ``BUCKETS`` buckets; a hit increments the current bucket's
    row and the count is the sum of the buckets that started within the window. Keys are stored as HMACs
    (an e-mail or client address is personal data, and nobody needs it back).
    """

    BUCKETS = 10

    @staticmethod
    def digest(scope: str, key: str) -> str:
        import hashlib
        import hmac

        secret = settings.SECRET_KEY.encode()
        return hmac.new(secret, f"{scope}\0{key}".encode(), hashlib.sha256).hexdigest()

    @classmethod
    def bucket_start(cls, window: int, now) -> datetime:
        size = max(1, window // cls.BUCKETS)
        epoch = int(now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % size, tz=UTC)

    def recent(self, scope: str, key: str, window: int, now=None) -> int:
        """Hits on (``scope``, ``key``) during the last ``window`` seconds."""
        now = now or timezone.now()
        since = self.bucket_start(window, now - timedelta(seconds=window))
        total = self.filter(scope=scope, key_hash=self.digest(scope, key), bucket__gt=since).aggregate(
            total=models.Sum("hits")
        )["total"]
        return total or 0

    def wait_seconds(self, scope: str, key: str, window: int, limit: int, now=None) -> int:
        """Whole seconds until fewer than ``limit`` hits of (``scope``, ``key``) remain in the window, so
        that the next hit passes; 0 when it would pass now. A bucket stops counting ``window`` seconds
        after it started."""
        now = now or timezone.now()
        since = self.bucket_start(window, now - timedelta(seconds=window))
        buckets = self.filter(scope=scope, key_hash=self.digest(scope, key), bucket__gt=since, hits__gt=0)
        rows = list(buckets.order_by("bucket").values_list("bucket", "hits"))
        remaining, last_to_go = sum(hits for _bucket, hits in rows), None
        for bucket, hits in rows:
            if remaining < limit:
                break
            remaining -= hits
            last_to_go = bucket
        if last_to_go is None:
            return 0
        return max(1, math.ceil((last_to_go + timedelta(seconds=window) - now).total_seconds()))

    def hit(self, scope: str, key: str, window: int, now=None, amount: int = 1) -> int:
        """Count one hit (or ``amount`` hits at once) on (``scope``, ``key``) now and return the hits of
        the window, these included.

        Atomic across processes: the bucket row is created once (unique constraint), incremented in the
        database (``hits = hits + 1``), and the window summed in the same transaction while the update
        keeps that row locked; parallel hits therefore see distinct, consecutive totals, and checking the
        total against a limit lets exactly ``limit`` of them through (a separate read, then a write, let 34
        of 30 through). Only hits that straddle the start of a new bucket, at the same instant, lock
        different rows.
        """
        now = now or timezone.now()
        lookup = {
            "scope": scope,
            "key_hash": self.digest(scope, key),
            "bucket": self.bucket_start(window, now),
        }
        with transaction.atomic():
            row, _created = self.get_or_create(**lookup, defaults={"hits": 0})
            self.filter(pk=row.pk).update(hits=models.F("hits") + amount)
            return self.recent(scope, key, window, now=now)

    def give_back(self, scope: str, key: str, window: int, now=None, amount: int = 1) -> None:
        """Undo ``amount`` hits of the current bucket (attempts counted in advance that turned out fine)."""
        now = now or timezone.now()
        self.filter(
            scope=scope,
            key_hash=self.digest(scope, key),
            bucket=self.bucket_start(window, now),
            hits__gte=amount,
        ).update(hits=models.F("hits") - amount)

    def forget_before(self, moment) -> int:
        deleted, _by_model = self.filter(bucket__lt=moment).delete()
        return deleted


class RateCounter(models.Model):
    """Hits counted for a rate limit (``core.ratelimit``), e.g. password-reset requests per account and per
    client address, lookups on the public status page per client address, and wrong second factors there
    per client address (never per dossier, so a stranger's guesses cannot lock the owner out). Holds no
    personal data in clear: ``key_hash`` is an HMAC of the key."""

    scope = models.CharField(_("phạm vi"), max_length=48)
    key_hash = models.CharField(_("khóa (HMAC)"), max_length=64)
    bucket = models.DateTimeField(_("khoảng thời gian từ"))
    hits = models.PositiveIntegerField(_("số lần"), default=0)

    objects = RateCounterQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ đếm giới hạn tần suất")
        verbose_name_plural = _("bộ đếm giới hạn tần suất")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_hash", "bucket"], name="core_rate_counter_unique"),
        ]
        indexes = [models.Index(fields=["bucket"], name="core_rate_counter_bucket_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:12]} {self.bucket:%Y-%m-%d %H:%M:%S}: {self.hits}"
