"""The simulated national registers: households and citizens of the national population database,
businesses of the national business registry.

**Personal data.** The rows are generated and fictitious, but they have the shape of real citizens'
records (national ID, name, birth date, sex, residence, family ties), and some of them are the demo's own
accounts. Treat them as personal data: they are read only by the simulators' authenticated endpoints, no
admin page lists them, and they never leave this app except in those answers.
"""

from django.db import models

# The labels of these choices are values of the national systems' answers, in Vietnamese whatever the
# caller's language: not marked for translation.


class Sex(models.TextChoices):
    # Codes of the national catalogue of sexes (0 = no information).
    MALE = "1", "Nam"
    FEMALE = "2", "Nữ"


class Household(models.Model):
    """A household (hộ gia đình) with its permanent residence, the address all its members are registered
    at. Personal data (see the module docstring)."""

    code = models.CharField(max_length=20, unique=True)
    province_code = models.CharField(max_length=5)
    province_name = models.CharField(max_length=100)
    ward_code = models.CharField(max_length=5)
    ward_name = models.CharField(max_length=100)
    street_address = models.CharField(max_length=200)
    is_generated = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class Citizen(models.Model):
    """A citizen (công dân) of the simulated national population database. Personal data (see the module
    docstring): only the population simulator's authenticated endpoints read it."""

    national_id = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity_code = models.CharField(max_length=2, default="01")
    ethnicity_name = models.CharField(max_length=50, default="Kinh")
    hometown = models.CharField(max_length=200)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    relation_to_head = models.CharField(max_length=30)
    # Temporary residence (tạm trú), where the citizen lives away from the permanent one; mostly empty.
    temporary_province_code = models.CharField(max_length=5, blank=True)
    temporary_province_name = models.CharField(max_length=100, blank=True)
    temporary_ward_code = models.CharField(max_length=5, blank=True)
    temporary_ward_name = models.CharField(max_length=100, blank=True)
    temporary_street_address = models.CharField(max_length=200, blank=True)
    is_generated = models.BooleanField(default=True)

    class Meta:
        ordering = ["national_id"]

    def __str__(self) -> str:
        return self.national_id


class BusinessStatus(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    SUSPENDED = "suspended", "Tạm ngừng kinh doanh"
    DISSOLVED = "dissolved", "Đã giải thể"


class Business(models.Model):
    """An enterprise, or a branch of one (tax code ``NNNNNNNNNN-NNN``), in the simulated national business
    registry. The legal representative's name and national ID are personal data."""

    tax_code = models.CharField(max_length=14, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="branches"
    )
    name = models.CharField(max_length=300)
    english_name = models.CharField(max_length=300, blank=True)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=BusinessStatus.choices, default=BusinessStatus.ACTIVE)
    registered_on = models.DateField()
    charter_capital = models.BigIntegerField(default=0)
    representative_name = models.CharField(max_length=200)
    representative_national_id = models.CharField(max_length=12)
    representative_title = models.CharField(max_length=100)
    province_code = models.CharField(max_length=5)
    province_name = models.CharField(max_length=100)
    ward_code = models.CharField(max_length=5)
    ward_name = models.CharField(max_length=100)
    street_address = models.CharField(max_length=200)
    # [{"code": VSIC level-4 code, "name": …, "main": bool}], the main line first.
    business_lines = models.JSONField(default=list)
    is_generated = models.BooleanField(default=True)

    class Meta:
        ordering = ["tax_code"]

    def __str__(self) -> str:
        return self.tax_code


class LandParcel(models.Model):
    """A parcel (thửa đất) of the simulated land registry (cơ sở dữ liệu đất đai): its identifier is the
    commune's GSO code, the map sheet and the parcel number (``25747-12-345``). The owner's name and
    national ID are personal data."""

    parcel_id = models.CharField(max_length=30, unique=True)
    ward_code = models.CharField(max_length=5)
    ward_name = models.CharField(max_length=100)
    province_code = models.CharField(max_length=5)
    province_name = models.CharField(max_length=100)
    map_sheet = models.PositiveIntegerField()
    parcel_number = models.PositiveIntegerField()
    street_address = models.CharField(max_length=200)
    area_m2 = models.DecimalField(max_digits=10, decimal_places=1)
    # Land-use purpose by the code of the land law's catalogue (ODT đất ở tại đô thị, CLN, …).
    purpose_code = models.CharField(max_length=5)
    purpose_name = models.CharField(max_length=100)
    owner_name = models.CharField(max_length=200)
    owner_national_id = models.CharField(max_length=12, db_index=True)
    certificate_number = models.CharField(max_length=20)
    certificate_issued_on = models.DateField()
    household_code = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["parcel_id"]

    def __str__(self) -> str:
        return self.parcel_id
