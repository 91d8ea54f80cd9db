"""The leaders' dashboard under the workspace (``/can-bo/bao-cao/``)."""

from django.urls import path

from . import it_report_views, programme_views, views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("ho-so/<slug:kind>/", views.drill_page, name="drill"),
    path("dinh-ky/", it_report_views.report_list, name="it_reports"),
    path("dinh-ky/tao/", it_report_views.request_create, name="it_request_create"),
    path("dinh-ky/dot/<int:pk>/", it_report_views.request_page, name="it_request"),
    path("dinh-ky/<int:pk>/", it_report_views.report_page, name="it_report"),
    path("chuong-trinh/", programme_views.programme_list, name="programmes"),
    path("chuong-trinh/<int:pk>/", programme_views.programme_page, name="programme"),
    path("nhiem-vu/<int:pk>/", programme_views.task_page, name="task"),
]
