"""What the mandates tests know in advance: the sandbox token, a business and its legal representative,
a parent with a minor and an adult child (the fixtures that seed them are in tests/identity/mandates)."""

TOKEN = "congso-sandbox-demo-token"  # noqa: S105 — the demo's published simulator token
TAX_CODE = "3700123456"
REPRESENTATIVE_ID = "074185000111"
PARENT_ID = "074090001234"
CHILD_ID = "074214000999"
ADULT_CHILD_ID = "074200000888"
