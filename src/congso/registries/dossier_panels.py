"""The officer's dossier page gets a section "Đối chiếu cơ sở dữ liệu quốc gia": for each register the
dossier needs, the latest lookup — the register's answer beside what was declared, differences marked,
the papers it stands in for — "verification pending" when the register could not answer, and a
re-query button for officers who receive or process the dossier."""

from django.urls import reverse

from congso.dossiers import extensions

from . import permissions, services


class VerificationPanel(extensions.OfficerPagesExtension):
    def dossier_panels(self, request, dossier):
        # The dossier page shows only dossiers the officer may see (``dossiers.extensions``' contract).
        user = request.user
        checks = services.verification(dossier)
        needed = services.needed_registries(dossier)
        if not checks and not needed:
            return []
        missing = [
            services.adapter(code).name for code in sorted(needed) if code not in {c.registry for c in checks}
        ]
        requery_url = (
            reverse("registries:requery", args=[dossier.pk]) if permissions.can_requery(user, dossier) else ""
        )
        context = {"checks": checks, "missing": missing, "requery_url": requery_url}
        return [extensions.DossierPanel("registries/dossier_panel.html", context)]


if "registries" not in extensions.officer_pages:
    extensions.officer_pages.add("registries", VerificationPanel())
