"""Domain errors: raised by services, mapped once to form errors (HTML) and once to JSON (API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the action. `field` names the input at fault, if any."""

    status = 400

    def __init__(self, message, *, code: str, field: str | None = None, fields: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        self.fields: dict[str, list[str]] = dict(fields or {})
        if field and field not in self.fields:
            self.fields[field] = [str(message)]

    def as_dict(self) -> dict:
        return {"message": str(self.message), "code": self.code, "fields": {k: [str(m) for m in v] for k, v in self.fields.items()}}


class PermissionDenied(DomainError):
    """The actor's role does not allow this action."""

    status = 403

    def __init__(self, message=None, *, code: str = "permission_denied"):
        super().__init__(message or _("You are not allowed to do this."), code=code)


class NotFound(DomainError):
    """The record does not exist or is outside what the actor may see (the same answer for both)."""

    status = 404

    def __init__(self, message=None, *, code: str = "not_found"):
        super().__init__(message or _("Not found."), code=code)


class Conflict(DomainError):
    """Someone else changed the record, or a scarce thing was taken first."""

    status = 409
