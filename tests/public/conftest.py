"""Fixtures of the public-page tests."""

from __future__ import annotations

import pytest
from django.test import Client

from casemgmt.models import ServiceProject

from .support import deploy_service_case, make_public_project


@pytest.fixture
def service_case_process(db: None) -> None:
    deploy_service_case()


@pytest.fixture
def project(db: None) -> ServiceProject:
    return make_public_project()


@pytest.fixture
def client() -> Client:
    # An anonymous visitor; Accept-Language en so messages can be compared in English.
    return Client(HTTP_ACCEPT_LANGUAGE="en")
