import factory
from django.contrib.auth.models import Group

from accounts.models import Department, FrontlineTeam, User

DEFAULT_PASSWORD = "correct horse battery staple"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Department {n}")


class FrontlineTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrontlineTeam

    name = factory.Sequence(lambda n: f"Team {n}")
    channel = FrontlineTeam.Channel.PHONE
    weekly_listener_capacity = 4


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    title = factory.Sequence(lambda n: f"Role title {n}")
    time_zone = "Europe/London"
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=role)[0] for role in extracted])
