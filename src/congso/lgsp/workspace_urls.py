"""The service catalogue, publish / subscribe and monitoring pages under /can-bo/lgsp/."""

from django.urls import path

from . import monitoring, views
from .pubsub import views as pubsub_views

app_name = "lgsp_ws"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("giam-sat/", monitoring.overview, name="monitoring"),
    path("giam-sat/dich-vu/<int:pk>/", monitoring.service_traffic, name="monitoring_service"),
    path("giam-sat/he-thong/<int:pk>/", monitoring.system_traffic, name="monitoring_system"),
    path("dich-vu/<int:pk>/", views.service_detail, name="service"),
    path("dich-vu/<int:pk>/phien-ban/", views.version_upload, name="version_upload"),
    path("dich-vu/<int:pk>/cap-quyen/", views.grant, name="grant"),
    path("quyen/<int:pk>/thu-hoi/", views.revoke, name="revoke"),
    path("diem-cuoi/<int:pk>/doi-trang-thai/", views.endpoint_toggle, name="endpoint_toggle"),
    path("he-thong/dang-ky/", views.system_register, name="system_register"),
    path("he-thong/<int:pk>/", views.system_detail, name="system"),
    path("he-thong/<int:pk>/dang-ky-dich-vu/", views.service_register, name="service_register"),
    path("he-thong/<int:pk>/thong-tin-xac-thuc/", views.credential_create, name="credential_create"),
    path("thong-tin-xac-thuc/<int:pk>/doi-khoa/", views.credential_rotate, name="credential_rotate"),
    # Publish / subscribe
    path("su-kien/", pubsub_views.event_types, name="event_types"),
    path("su-kien/<int:pk>/", pubsub_views.event_type_detail, name="event_type"),
    path("su-kien/<int:pk>/cap-quyen/", pubsub_views.event_grant, name="event_grant"),
    path("quyen-nhan-su-kien/<int:pk>/thu-hoi/", pubsub_views.event_revoke, name="event_revoke"),
    path("he-thong/<int:pk>/dang-ky-su-kien/", pubsub_views.subscriptions, name="subscriptions"),
    path("dang-ky-su-kien/<int:pk>/", pubsub_views.deliveries, name="deliveries"),
    path("dang-ky-su-kien/<int:pk>/trang-thai/", pubsub_views.subscription_state, name="subscription_state"),
    path("that-bai/", pubsub_views.dead_letters, name="dead_letters"),
    path("that-bai/gui-lai/", pubsub_views.replay, name="replay"),
]
