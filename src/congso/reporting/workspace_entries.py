"""What the reporting block adds to the officers' workspace shell: the dashboard's navigation entry, shown
to those who may open it."""

from django.utils.translation import gettext_lazy as _

from congso.workspace import registry

from .permissions import may_open_dashboard, may_use_it_reports

registry.navigation.add(
    "reporting.dashboard",
    registry.NavigationEntry(
        label=_("Chỉ số, báo cáo"),
        url_name="reporting:dashboard",
        order=85,
        current_views=("reporting:dashboard", "reporting:drill"),
        shown_to=may_open_dashboard,
    ),
)
registry.navigation.add(
    "reporting.it_reports",
    registry.NavigationEntry(
        label=_("Báo cáo định kỳ CNTT"),
        url_name="reporting:it_reports",
        order=86,
        current_views=(
            "reporting:it_reports",
            "reporting:it_request_create",
            "reporting:it_request",
            "reporting:it_report",
        ),
        shown_to=may_use_it_reports,
    ),
)
registry.navigation.add(
    "reporting.programmes",
    registry.NavigationEntry(
        label=_("Chương trình, đầu tư CNTT"),
        url_name="reporting:programmes",
        order=87,
        current_views=("reporting:programmes", "reporting:programme", "reporting:task"),
        shown_to=lambda user: may_open_dashboard(user) or may_use_it_reports(user),
    ),
)
