"""The officers' documents pages under /can-bo/van-ban/."""

from django.urls import path

from . import recall_views, views

app_name = "documents"

urlpatterns = [
    path("", views.documents_home, name="home"),
    path("den/", views.incoming_register, name="incoming_register"),
    path("den/vao-so/", views.incoming_new, name="incoming_new"),
    path("den/<int:pk>/", views.incoming_detail, name="incoming"),
    path("den/<int:pk>/phan-cong/", views.incoming_assign, name="incoming_assign"),
    path("den/<int:pk>/xu-ly/", views.incoming_handle, name="incoming_handle"),
    path("di/", views.outgoing_register, name="outgoing_register"),
    path("di/soan/", views.outgoing_new, name="outgoing_new"),
    path("di/<int:pk>/", views.outgoing_detail, name="outgoing"),
    path("di/<int:pk>/<slug:action>/", views.outgoing_action, name="outgoing_action"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
    path("thu-hoi/di/<int:pk>/", recall_views.recall_outgoing, name="recall_outgoing"),
    path("thu-hoi/den/<int:pk>/", recall_views.recall_incoming, name="recall_incoming"),
]

# Work files and the agency archive (documents.workfile_views).
from . import workfile_views  # noqa: E402

urlpatterns += [
    path("ho-so/", workfile_views.workfile_list, name="workfiles"),
    path("ho-so/lap/", workfile_views.workfile_new, name="workfile_new"),
    path("ho-so/het-han/", workfile_views.retention_review, name="workfile_review"),
    path("ho-so/<int:pk>/", workfile_views.workfile_detail, name="workfile"),
    # Before "ho-so/<pk>/<action>/" (POST actions), which would take it.
    path("ho-so/<int:pk>/sua/", workfile_views.workfile_edit, name="workfile_edit"),
    path("ho-so/<int:pk>/<slug:action>/", workfile_views.workfile_action, name="workfile_action"),
]

# Answers between documents (documents.reply_views); before "di/<pk>/<action>/", which would take them.
from . import reply_views  # noqa: E402

urlpatterns[:0] = [
    path("den/<int:pk>/tra-loi-van-ban/", reply_views.incoming_reply_link, name="incoming_reply_link"),
    path("di/<int:pk>/nhan-soan/", reply_views.outgoing_take, name="outgoing_take"),
    path("di/<int:pk>/tra-ket-qua/", reply_views.result_deliver, name="result_deliver"),
    path("ket-qua/<int:dossier_pk>/", reply_views.result_new, name="result_new"),
]

# Approval chains per document type (documents.chain_views).
from . import chain_views  # noqa: E402

urlpatterns += [
    path("luong-duyet/", chain_views.chain_list, name="chains"),
    path("luong-duyet/sua/", chain_views.chain_edit, name="chain_edit"),
    path("luong-duyet/<int:pk>/xoa/", chain_views.chain_delete, name="chain_delete"),
]
