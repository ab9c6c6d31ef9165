"""One English word, two Chinese meanings: such msgids carry a context (pgettext), so that the
inbox's filter button never reads as a promotion application."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.personas import Cast
from tests.web.inbox_support import client_for

pytestmark = pytest.mark.django_db


def test_apply_means_filter_in_the_inbox_and_apply_for_naming_in_promotion(cast: Cast) -> None:
    html = client_for(cast.office_a, "zh-hans").get(reverse("inbox")).content.decode()
    button = re.search(r'data-testid="apply-filters">([^<]+)<', html)
    assert button is not None and button.group(1) == "筛选"
    with translation.override("zh-hans"):
        assert translation.pgettext("promotion", "Apply") == "提交申请"
        assert translation.pgettext("filters", "Apply") == "筛选"
