"""The portal's landing page."""

from django.shortcuts import render


def home(request):
    """The landing page: what the portal does, the procedure search, how an online dossier works."""
    return render(request, "portal/home.html")
