from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from .errors import DomainError


class DomainErrorMiddleware:
    """A refusal a view did not catch becomes a clear page (404, 403, 409 or 400), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if getattr(request, "htmx", False):
            response = render(request, "_refusal.html", {"error": exception}, status=exception.status)
            response["HX-Retarget"] = "#flash"
            response["HX-Reswap"] = "innerHTML"
            return response
        if exception.status in (403, 404):
            return render(request, f"{exception.status}.html", {"error": exception}, status=exception.status)
        messages.error(request, str(exception.message))
        back = request.headers.get("referer")
        if back and back.startswith(request.build_absolute_uri("/")):
            response = HttpResponse(status=303)
            response["Location"] = back
            return response
        return render(request, "refused.html", {"error": exception}, status=exception.status)
