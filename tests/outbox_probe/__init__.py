"""A test-only plugin app whose subscriber lets tests watch outbox delivery from another process."""
