"""Stores, people and their sign-in: creating a store with its defaults, API tokens, preferences."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _

from showroom.core import clock
from showroom.core.errors import DomainError

from .capabilities import Capability, require
from .models import ApiToken, DealerGroup, Store, User


def store_create(*, group: DealerGroup, name: str, code: str, city: str = "", **settings) -> Store:
    """Open a store with the default grade cadence and the seeded call scripts."""
    from showroom.followups.scripts_seed import seed_scripts
    from showroom.leads.models import DEFAULT_GRADE_POLICIES, GradePolicy

    with transaction.atomic():
        store = Store.objects.create(group=group, name=name, code=code, city=city, **settings)
        GradePolicy.objects.bulk_create([
            GradePolicy(store=store, grade=grade, horizon_days=horizon, follow_up_days=interval)
            for grade, (horizon, interval) in DEFAULT_GRADE_POLICIES.items()
        ])
        seed_scripts(store)
    return store


STORE_SETTINGS = ("first_response_hours", "lead_assignment", "dormant_after_days", "post_visit_call_hours", "name", "city", "phone")


def store_update_settings(*, actor, store: Store, fields: dict, grade_policies: dict | None = None) -> Store:
    """A store admin tunes the store: response deadline, lead assignment, dormancy, grade cadence."""
    from showroom.audit import services as audit
    from showroom.leads.models import GradePolicy

    require(actor, Capability.MANAGE_STORE)
    if actor.store_id and actor.store_id != store.pk:
        raise DomainError(_("You can change only your own store."), code="store_invalid", field="store")
    with transaction.atomic():
        store = Store.objects.select_for_update().get(pk=store.pk)
        before = {k: getattr(store, k) for k in STORE_SETTINGS}
        for key, value in fields.items():
            if key in STORE_SETTINGS:
                setattr(store, key, value)
        store.full_clean()
        store.save()
        after = {k: getattr(store, k) for k in STORE_SETTINGS}
        audit.record_changes(actor=actor, action="accounts.store_settings_changed", target=store, before=before, after=after)
        for grade, (horizon, interval) in (grade_policies or {}).items():
            if interval is None or int(interval) < 1:
                raise DomainError(_("The follow-up interval must be at least one day."), code="interval_invalid",
                                  field=f"follow_up_{grade}")
            policy, _created = GradePolicy.objects.get_or_create(store=store, grade=grade, defaults={"follow_up_days": interval})
            old = (policy.horizon_days, policy.follow_up_days)
            policy.horizon_days, policy.follow_up_days = horizon, interval
            policy.save()
            if old != (horizon, interval):
                audit.record(actor=actor, action="leads.grade_policy_changed", target=store,
                             data={"grade": grade, "from": list(old), "to": [horizon, interval]})
    return store


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, request, username: str, password: str) -> str:
    """Exchange a username and password for a new API bearer token (failed attempts are throttled)."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise DomainError(_("The username or password is wrong, or the account is locked."), code="invalid_credentials",
                          field="password")
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash(key), prefix=key[:8])
    return key


def token_user(key: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not key:
        return None
    token = ApiToken.objects.select_related("user", "user__store").filter(key_hash=_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_set_preferences(*, actor, language: str | None = None, on_duty: bool | None = None) -> User:
    """The signed-in person picks their interface language, or says whether they take walk-ins now."""
    fields = []
    if language is not None:
        if language not in ("zh-hans", "en"):
            raise DomainError(_("Choose Chinese or English."), code="language_invalid", field="language")
        actor.language = language
        fields.append("language")
    if on_duty is not None:
        actor.on_duty = bool(on_duty)
        fields.append("on_duty")
    if fields:
        actor.save(update_fields=fields)
    return actor
