"""The address of the staff's form preview (``catalog.form_preview``), mounted by the project's urlconf
where it has always been, ``/nop-ho-so/xem-truoc-bieu-mau/``, before the portal's
``nop-ho-so/<procedure code>/`` can claim it. The catalogue admin links to ``catalog-preview:form-preview``.
"""

from django.urls import path

from . import form_preview

app_name = "catalog-preview"

urlpatterns = [
    path("", form_preview.form_preview, name="form-preview"),
]
