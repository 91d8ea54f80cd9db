"""Simulators of the national systems a province connects to but cannot run (DESIGN.md §2, issue 8):
the national population database (Cơ sở dữ liệu quốc gia về dân cư), the national business registry
(Hệ thống thông tin quốc gia về đăng ký doanh nghiệp) and the National Public Service Portal (Cổng Dịch
vụ công quốc gia, ``dvcqg``: its adapter protocol, catalogue, dossiers and status reports; issue 9), as
real HTTP JSON services under ``/sandbox/``.

Never on in production: the project installs this app only when ``CONGSO_SANDBOX_ENABLED`` is on, the
settings refuse to turn it on in the production profile, and the app refuses to start there if it is
installed by another way (``apps.SandboxConfig.ready``). Every response says it comes from a simulator
(header ``X-Congso-Sandbox: simulator`` and a ``simulator`` field), and so does every page.

Where things are: ``models`` (the simulated registers, fake personal data treated as real),
``generator`` and ``names`` (deterministic data sets), ``demo`` (``seed_demo_sandbox``, which makes the
data agree with the demo's accounts), ``api`` (envelope, bearer token, rate limit), ``population`` and
``business`` (the two services' views and their JSON shape), ``openapi`` (their OpenAPI 3 documents),
``services`` (``national_services()`` for the LGSP registry; the simulated portal's fill-in and switch),
``views`` (the index page), ``dvcqg``, ``dvcqg_pages`` and ``dvcqg_demo`` (the simulated national portal).

It imports only ``core``, ``agencies`` and ``identity`` (a sibling of ``formengine`` in the layers).
"""
