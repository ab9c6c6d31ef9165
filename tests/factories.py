"""factory_boy factories for the test suite."""

from __future__ import annotations

from typing import Any, cast

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from casemgmt.models import (
    Enterprise,
    Membership,
    OrgUnit,
    Outcome,
    ServiceCase,
    ServiceProject,
    ServiceRecord,
    ServiceStation,
    TechnicalInstitution,
)
from casemgmt.registry.validators import uscc_check_character

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj: Any, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrgUnit.Kind.OFFICE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    org_unit = factory.SubFactory(OrgUnitFactory)
    role = "office_staff"


# Typed entry points: factory_boy's classes are not typed as the models they build.
def valid_uscc(n: int) -> str:
    """A valid unified social credit code, distinct for every n (9131 = enterprise, Shanghai)."""
    base = f"91310117{n:09d}"
    return base + uscc_check_character(base)


class ServiceProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProject
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"project-{n}")
    case_prefix = factory.Sequence(lambda n: "T" + "".join("ABCDEFGHJK"[int(d)] for d in f"{n:03d}"))
    level = ServiceProject.Level.STREET
    name = factory.Sequence(lambda n: f"测试服务项目{n}")
    coordinating_office = factory.SubFactory(OrgUnitFactory, kind=OrgUnit.Kind.OFFICE)
    operator = factory.SubFactory(
        OrgUnitFactory, kind=OrgUnit.Kind.OPERATOR, parent=factory.SelfAttribute("..coordinating_office")
    )


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        django_get_or_create = ("credit_code",)

    credit_code = factory.Sequence(valid_uscc)
    name = factory.Sequence(lambda n: f"上海测试企业{n}有限公司")
    address = "上海市松江区测试路1号"
    contact_name = "张三"
    phone = "+8613800138000"
    size_class = Enterprise.SizeClass.SMALL
    industry = "制造业"


class TechnicalInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnicalInstitution

    kind = TechnicalInstitution.Kind.TESTING
    name = factory.Sequence(lambda n: f"测试检验检测机构{n}")
    capabilities = "电子电器产品安全检测"


class ServiceStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceStation

    project = factory.SubFactory(ServiceProjectFactory)
    name = factory.Sequence(lambda n: f"测试服务站{n}")
    address = "上海市松江区测试路2号"


class ServiceCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCase

    project = factory.SubFactory(ServiceProjectFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    case_no = factory.Sequence(lambda n: f"TC-2026-{n:05d}")
    channel = ServiceCase.Channel.WINDOW
    contact_name = "张三"
    contact_phone = "+8613800138000"
    need = "产品检测需求"


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    case = factory.SubFactory(ServiceCaseFactory)
    served_at = factory.LazyFunction(timezone.now)
    mode = ServiceRecord.Mode.ON_SITE
    service_class = "testing"
    content = "上门指导产品检测"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    kind = Outcome.Kind.CERTIFICATE
    subtype = "test_report"
    case = factory.SubFactory(ServiceCaseFactory)
    project = factory.SelfAttribute("case.project")
    enterprise = factory.SelfAttribute("case.enterprise")
    obtained_on = factory.LazyFunction(lambda: timezone.localdate())
    title = "检验检测报告"


def make_user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


def make_org_unit(**fields: Any) -> OrgUnit:
    return cast(OrgUnit, OrgUnitFactory(**fields))


def make_membership(**fields: Any) -> Membership:
    return cast(Membership, MembershipFactory(**fields))


# The domain's rows (registry, service cases, outcomes). Each call makes what it is not given.
def make_project(**fields: Any) -> ServiceProject:
    return cast(ServiceProject, ServiceProjectFactory(**fields))


def make_enterprise(**fields: Any) -> Enterprise:
    return cast(Enterprise, EnterpriseFactory(**fields))


def make_institution(**fields: Any) -> TechnicalInstitution:
    return cast(TechnicalInstitution, TechnicalInstitutionFactory(**fields))


def make_station(**fields: Any) -> ServiceStation:
    return cast(ServiceStation, ServiceStationFactory(**fields))


def make_case(**fields: Any) -> ServiceCase:
    """A case row only (no process instance): for reports, archives and scoring tests."""
    return cast(ServiceCase, ServiceCaseFactory(**fields))


def make_record(**fields: Any) -> ServiceRecord:
    return cast(ServiceRecord, ServiceRecordFactory(**fields))


def make_outcome(**fields: Any) -> Outcome:
    return cast(Outcome, OutcomeFactory(**fields))


def master_data(enterprise: Enterprise) -> tuple[str, ...]:
    """The enterprise's master data as stored now (re-read), to compare before and after."""
    enterprise.refresh_from_db()
    return (
        enterprise.name,
        enterprise.contact_name,
        enterprise.phone,
        enterprise.address,
        enterprise.size_class,
        enterprise.industry,
    )
