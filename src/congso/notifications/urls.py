"""Addresses of notifications, mounted by the project at the root: the portal's pages under
/thong-bao/, the workspace's under /can-bo/thong-bao/, the SMS delivery report at /thong-bao/sms/bao-cao/."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("thong-bao/", views.portal_inbox, name="portal-inbox"),
    path("thong-bao/da-doc/", views.portal_mark_read, name="portal-mark-read"),
    path("thong-bao/cai-dat/", views.portal_preferences, name="portal-preferences"),
    path("thong-bao/sms/bao-cao/", views.sms_report, name="sms-report"),
    path("can-bo/thong-bao/", views.workspace_inbox, name="workspace-inbox"),
    path("can-bo/thong-bao/da-doc/", views.workspace_mark_read, name="workspace-mark-read"),
    path("can-bo/thong-bao/cai-dat/", views.workspace_preferences, name="workspace-preferences"),
]
