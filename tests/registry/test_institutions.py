"""Institution search: Chinese substrings, qualification numbers, kinds, literal % and _, samples."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from casemgmt.models import TechnicalInstitution
from casemgmt.registry.institutions import escape_like, search_institutions
from casemgmt.registry.samples import INSTITUTIONS, SAMPLE_SUFFIX
from tests.factories import make_institution

pytestmark = pytest.mark.django_db

M, C, T = (
    TechnicalInstitution.Kind.METROLOGY,
    TechnicalInstitution.Kind.CERTIFICATION,
    TechnicalInstitution.Kind.TESTING,
)


def names(found: object) -> list[str]:
    return [institution.name for institution in found]  # type: ignore[attr-defined]


@pytest.fixture
def registry() -> None:
    make_institution(kind=M, name="甲计量所", capabilities="计量检定：压力表、血压计")
    make_institution(kind=C, name="乙认证中心", capabilities="", scope="质量管理体系认证 ISO 9001")
    make_institution(
        kind=T, name="丙检测公司", capabilities="食品检测", cma_number="CMA 240901", cnas_number="CNAS L1234"
    )
    make_institution(kind=T, name="丁检测（已停用）", capabilities="计量检定", active=False)
    make_institution(kind=T, name="戊实验室", capabilities="合格率100%的A_B项目")
    make_institution(kind=T, name="己实验室", capabilities="合格率100的AxB项目")


def test_chinese_substring_finds_longer_word(registry: None) -> None:
    assert names(search_institutions("检定")) == ["甲计量所"]  # inactive 丁 left out
    assert names(search_institutions(capability="体系认证")) == ["乙认证中心"]  # scope counts as capability


def test_numbers_kinds_and_words(registry: None) -> None:
    assert names(search_institutions("l1234")) == ["丙检测公司"]  # case-insensitive
    assert names(search_institutions("CMA 240901")) == ["丙检测公司"]  # every word must match
    assert names(search_institutions("", kind="certification")) == ["乙认证中心"]
    assert names(search_institutions("检测", kind="metrology")) == []
    assert search_institutions("", kind="nonsense").count() == 0
    assert search_institutions().count() == 5


def test_percent_and_underscore_are_literal(registry: None) -> None:
    assert names(search_institutions("100%")) == ["戊实验室"]
    assert names(search_institutions("A_B")) == ["戊实验室"]
    assert names(search_institutions("%")) == ["戊实验室"]
    assert search_institutions("\\").count() == 0
    assert escape_like("a%b_c\\") == "a\\%b\\_c\\\\"


def test_search_is_written_as_ilike(registry: None) -> None:
    # ILIKE (not UPPER(...) LIKE), so pg_trgm's gin indexes can serve it where they exist.
    sql = str(search_institutions("检定").query)
    assert "ILIKE" in sql and "UPPER" not in sql


def test_trigram_index_is_used_where_pg_trgm_exists(registry: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'institution_capabilities_trgm'")
        if cursor.fetchone() is None:
            pytest.skip("this server has no pg_trgm (the embedded one): ILIKE runs as a scan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        query = search_institutions(capability="检定").only("pk").query
        compiled, params = query.sql_with_params()
        cursor.execute("EXPLAIN " + compiled, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "institution_capabilities_trgm" in plan, plan


def test_sample_loader_is_idempotent_and_labelled() -> None:
    call_command("load_sample_institutions", "--no-stations")
    call_command("load_sample_institutions", "--no-stations")
    samples = TechnicalInstitution.objects.filter(is_sample=True)
    assert samples.count() == len(INSTITUTIONS) >= 12
    assert all(name.endswith(SAMPLE_SUFFIX) for name in samples.values_list("name", flat=True))
    assert set(samples.values_list("kind", flat=True)) == set(TechnicalInstitution.Kind.values)
    # The public lookups have something to find.
    assert search_institutions("检定", kind="metrology").exists()
    assert search_institutions(capability="ISO 9001", kind="certification").exists()
    assert search_institutions("CMA", kind="testing").count() >= 3
