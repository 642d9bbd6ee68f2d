"""Who may work the owner after delivery. The receptionist and the owner's own service advisor do not answer the
survey, record referrals, handle cases or set the cadence in the system; a consultant does not handle the cases or
the store's settings, which are the manager's."""

import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.aftercare import services
from showroom.aftercare.models import Case, CaseStatus, Referral, Scale, Survey, SurveyStatus
from showroom.audit.models import AuditEntry
from showroom.core.errors import NotFound, PermissionDenied

from .conftest import deliver
from .test_survey_and_cases import all_scores

ACTIONS = {
    "survey": lambda user, c: services.survey_submit(actor=user, survey=c["survey"], scores=all_scores(c["survey"])),
    "referral": lambda user, c: services.referral_record(actor=user, owned_car=c["owned"], outcome="declined"),
    "case_note": lambda user, c: services.case_add_note(actor=user, case=c["case"], text="已回访"),
    "case_close": lambda user, c: services.case_close(actor=user, case=c["case"], resolution="客户满意"),
    "settings": lambda user, c: services.settings_save(actor=user, low_score_percent=50,
                                                       cadence=services.default_cadence()),
    "question": lambda user, c: services.question_save(actor=user, text="您满意吗？", scale=Scale.FIVE),
}
MANAGERS_ONLY = ("case_note", "case_close", "settings", "question")


@pytest.fixture
def owner(consultant, advisor, trim, owned, survey):
    """张三's survey gave low scores and opened a case; 李四 took delivery too and his survey is due."""
    services.survey_submit(actor=consultant, survey=survey, scores=all_scores(survey, value=2))
    second = deliver(consultant, trim, advisor, name="李四", mobile="13900139000")
    return {"owned": owned, "survey": second.surveys.get(), "case": Case.objects.get()}


def _unchanged(owner, entries: int) -> None:
    assert Survey.objects.get(pk=owner["survey"].pk).status == SurveyStatus.DUE
    assert Case.objects.get().status == CaseStatus.OPEN and not Case.objects.get().notes.exists()
    assert not Referral.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.SERVICE_ADVISOR])
def test_the_receptionist_and_the_owners_service_advisor_cannot_work_the_owner(store, advisor, owner, role, action):
    user = advisor if role == Role.SERVICE_ADVISOR else UserFactory(store=store, role=role)
    entries = AuditEntry.objects.count()
    with pytest.raises((PermissionDenied, NotFound)):
        ACTIONS[action](user, owner)
    _unchanged(owner, entries)


@pytest.mark.parametrize("action", MANAGERS_ONLY)
def test_a_consultant_does_not_handle_cases_or_set_the_stores_aftercare(consultant, owner, action):
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        ACTIONS[action](consultant, owner)
    _unchanged(owner, entries)
