"""What the sandbox tests know in advance: the demo token, the known citizen and business, and the two
simulators' addresses (the fixtures built on them are in conftest.py)."""

from congso.sandbox.demo import KnownBusiness, Person

TOKEN = "congso-sandbox-demo-token"
KNOWN_CITIZEN = Person("074090001234", "Nguyễn Văn An", None)
KNOWN_BUSINESS = KnownBusiness("3700123456", "Trần Thị Bình")
POPULATION = "/sandbox/csdlqg-dan-cu/api/v1/cong-dan/"
BUSINESS = "/sandbox/dang-ky-kinh-doanh/api/v1/doanh-nghiep/"
