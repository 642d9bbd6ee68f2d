import factory

from showroom.accounts.models import DealerGroup, Role, Store, User
from showroom.accounts.services import store_create


class DealerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealerGroup

    name = factory.Sequence(lambda n: f"广华汽车集团{n}")


class StoreFactory(factory.django.DjangoModelFactory):
    """A store opened through the service, so it has its grade cadence and call scripts."""

    class Meta:
        model = Store

    group = factory.SubFactory(DealerGroupFactory)
    name = factory.Sequence(lambda n: f"广华奥迪{n}号店")
    code = factory.Sequence(lambda n: f"store{n}")
    city = "北京"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return store_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    store = factory.SubFactory(StoreFactory)
    role = Role.CONSULTANT
    language = "en"
    password = factory.django.Password("pw-for-tests-1")


class ConsultantFactory(UserFactory):
    role = Role.CONSULTANT


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class ReceptionistFactory(UserFactory):
    role = Role.RECEPTIONIST
