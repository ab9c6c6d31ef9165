"""Sample stations: one labelled station per project without a real one, loaded idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from casemgmt.models import ServiceProject, ServiceStation
from casemgmt.registry.samples import SAMPLE_SUFFIX, load_sample_stations
from casemgmt.registry.seed import load_registry
from tests.factories import make_station

pytestmark = pytest.mark.django_db


def test_one_sample_station_per_project_without_a_real_one() -> None:
    load_registry()
    projects = list(ServiceProject.objects.order_by("code"))
    make_station(project=projects[0], name="真实服务站")
    call_command("load_sample_institutions")
    assert load_sample_stations() == 0  # idempotent
    samples = ServiceStation.objects.filter(name__endswith=SAMPLE_SUFFIX)
    assert samples.count() == len(projects) - 1
    assert not samples.filter(project=projects[0]).exists()
    assert all(station.staff.filter(is_public_contact=True).count() == 1 for station in samples)
    page = Client().get(reverse("registry-public-directory")).content.decode()
    assert SAMPLE_SUFFIX in page and "真实服务站" in page


def test_station_without_window_says_whom_to_ask() -> None:
    load_registry()
    project = ServiceProject.objects.order_by("code").first()
    assert project is not None
    make_station(project=project, name="无窗口站", service_window="")
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("registry-public-directory")).content.decode()
    assert "未设窗口：请联系服务站人员" in html
