import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import StoreFactory, UserFactory
from showroom.audit.models import AuditEntry
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.presentations import selectors
from showroom.presentations.models import Position, WalkaroundPoint
from showroom.presentations.services import (
    walkaround_point_add,
    walkaround_point_move,
    walkaround_point_retire,
    walkaround_point_update,
)

FAB = {"feature": "矩阵式LED大灯", "advantage": "自动避让对向车辆", "benefit": "夜间开车更安心", "evidence": "暗区演示"}


def features(actor, series, position):
    group = next(g for g in selectors.script_of(actor, series) if g["position"] == position)
    return [p.feature for p in group["points"]]


def test_a_manager_adds_a_point_at_the_end_of_its_position_and_it_is_audited(manager, q5l, script):
    point = walkaround_point_add(actor=manager, series=q5l, fields={"position": Position.FRONT_LEFT, **FAB})
    assert features(manager, q5l, Position.FRONT_LEFT)[-1] == "矩阵式LED大灯"
    assert point.updated_by == manager
    assert AuditEntry.objects.get(action="presentations.point_added").data["feature"] == "矩阵式LED大灯"


def test_a_consultant_reads_the_script_but_may_not_edit_it(consultant, q5l, script):
    assert len(features(consultant, q5l, Position.REAR)) == 2
    with pytest.raises(PermissionDenied):
        walkaround_point_add(actor=consultant, series=q5l, fields={"position": 1, **FAB})
    with pytest.raises(PermissionDenied):
        walkaround_point_update(actor=consultant, point=script[0], fields={"feature": "改"})
    with pytest.raises(PermissionDenied):
        walkaround_point_retire(actor=consultant, point=script[0])
    with pytest.raises(PermissionDenied):
        walkaround_point_move(actor=consultant, point=script[1], direction="up")


def test_a_point_needs_feature_advantage_and_benefit_and_a_real_position(manager, q5l):
    with pytest.raises(DomainError) as refused:
        walkaround_point_add(actor=manager, series=q5l, fields={"position": 9, "feature": "", "advantage": "a",
                                                                 "benefit": ""})
    assert set(refused.value.fields) == {"position", "feature", "benefit"}
    assert not WalkaroundPoint.objects.exists()


def test_points_move_up_and_down_within_their_position(manager, q5l, script):
    first, second = script[0], script[1]
    walkaround_point_move(actor=manager, point=second, direction="up")
    assert features(manager, q5l, Position.FRONT_LEFT) == [second.feature, first.feature]
    walkaround_point_move(actor=manager, point=second, direction="down")
    assert features(manager, q5l, Position.FRONT_LEFT) == [first.feature, second.feature]
    walkaround_point_move(actor=manager, point=first, direction="up")  # already first: stays
    assert features(manager, q5l, Position.FRONT_LEFT) == [first.feature, second.feature]


def test_rewording_and_moving_to_another_position_is_audited_with_old_and_new(manager, q5l, script):
    walkaround_point_update(actor=manager, point=script[0], fields={"feature": "新的特征", "position": Position.REAR})
    assert features(manager, q5l, Position.REAR)[-1] == "新的特征"
    changes = AuditEntry.objects.get(action="presentations.point_changed").data["changes"]
    assert changes["feature"] == [script[0].feature, "新的特征"] and changes["position"] == [1, 4]


def test_a_retired_point_leaves_the_script(manager, q5l, script):
    walkaround_point_retire(actor=manager, point=script[0])
    assert features(manager, q5l, Position.FRONT_LEFT) == [script[1].feature]


def test_scripts_are_kept_for_our_own_series_of_our_group_only(manager, store, script):
    competitor = SeriesFactory(brand=BrandFactory(group=store.group, name="宝马", is_own=False), name="X3")
    with pytest.raises(DomainError) as refused:
        walkaround_point_add(actor=manager, series=competitor, fields={"position": 1, **FAB})
    assert refused.value.code == "series_not_own"
    other_manager = UserFactory(store=StoreFactory(), role=Role.MANAGER)
    with pytest.raises(NotFound):
        walkaround_point_update(actor=other_manager, point=script[0], fields={"feature": "改"})
