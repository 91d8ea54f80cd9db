"""Demo data of the registries block: the platform's consumer credential in the LGSP (the demo portal
system ``CONGDVC``, which the LGSP's demo already allows to call the national services), with the
client id and secret the block's settings name — so prefill and verification work in the demo as they
would in production with the province's own credential. Idempotent."""

from congso.lgsp import demo as lgsp_demo

from . import conf


def seed_demo_registries() -> None:
    lgsp_demo.ensure_demo_credential(conf.client_id(), conf.client_secret())
