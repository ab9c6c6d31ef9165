"""Translations: the Chinese catalogue is complete and correct, and pages speak the chosen language.

msgids are English everywhere; zh-hans (the default) must translate every one of them. English
needs no translations (Django falls back to the msgid), so the `en` catalogue may stay empty.

After adding or changing a string, run (from the project root):

    python manage.py makemessages -l zh_Hans -l en --no-obsolete \\
        --ignore=.venv --ignore=node_modules --ignore=var --ignore=bench --ignore=tests

and translate what it added to locale/zh_Hans/LC_MESSAGES/django.po.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from casemgmt.org.roles import CHINESE_ROLE_NAMES, LANE_ALIASES, Role, role_for_lane
from core.errors import Conflict
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessModelVersion

from .catalogues import (
    LOCALE_DIR,
    MAKEMESSAGES_IGNORES,
    ROOT,
    SOURCE_DIRS,
    SOURCE_FILES,
    ZH_PO,
    compile_catalogues,
    forget_loaded_translations,
    placeholders,
)
from .personas import OPERATOR_A, Cast

HAN = re.compile(r"[\u3400-\u9fff]")
# msgids whose Chinese translation may legitimately contain no Chinese character (none yet).
NO_HAN_NEEDED: frozenset[str] = frozenset()


def label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:3])
    return f"{entry.msgid!r} ({where})"


def active(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def unfinished(po: polib.POFile) -> list[str]:
    return [label(e) for e in active(po) if "fuzzy" in e.flags or not e.translated()]


# --- (a) the committed Chinese catalogue -----------------------------------------------------------


@pytest.fixture(scope="module")
def zh() -> polib.POFile:
    return polib.pofile(str(ZH_PO))


def test_zh_header(zh: polib.POFile) -> None:
    assert not zh.metadata_is_fuzzy
    assert zh.metadata["Language"] == "zh_Hans"
    assert zh.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    # Django's own zh_Hans catalogues use the same rule: one form for every number.
    assert zh.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_every_zh_entry_is_translated_and_not_fuzzy(zh: polib.POFile) -> None:
    assert len(active(zh)) > 100
    assert unfinished(zh) == []


def test_zh_translations_are_chinese(zh: polib.POFile) -> None:
    english = []
    for entry in active(zh):
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.msgid not in NO_HAN_NEEDED and not all(HAN.search(text) for text in texts):
            english.append(label(entry))
    assert english == []


def test_zh_placeholders_match(zh: polib.POFile) -> None:
    wrong = []
    for entry in active(zh):
        if entry.msgid_plural:
            # One Chinese form stands for both English ones: it must carry the plural's placeholders.
            assert set(entry.msgstr_plural) == {0}, label(entry)
            expected = placeholders(entry.msgid_plural)
            assert placeholders(entry.msgid) == expected, label(entry)
            got = [placeholders(text) for text in entry.msgstr_plural.values()]
        else:
            expected, got = placeholders(entry.msgid), [placeholders(entry.msgstr)]
        if any(found != expected for found in got):
            wrong.append(f"{label(entry)}: expected {expected}, got {got}")
    assert wrong == []


def test_placeholder_pattern() -> None:
    assert placeholders("Page %(number)s of %(pages)s · {total} at 100%%") == [
        "%(number)s",
        "%(pages)s",
        "{total}",
    ]
    assert placeholders("at most %(n)d characters, %s") == ["%(n)d", "%s"]


def test_en_catalogue_may_stay_empty_but_what_it_has_is_sound() -> None:
    en = polib.pofile(str(LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"))
    assert not en.metadata_is_fuzzy and en.metadata["Language"] == "en"
    for entry in active(en):
        assert "fuzzy" not in entry.flags, label(entry)
        if entry.msgstr:
            assert placeholders(entry.msgstr) == placeholders(entry.msgid), label(entry)


# --- (b) the catalogue covers every string of the source ----------------------------------------


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    """The Chinese catalogue as `makemessages` leaves it when run now on a copy of the source."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed: apt-get install gettext")
    copy = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("*.mo", "__pycache__", "*.pyc", ".tmp-*")
    for name in SOURCE_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in SOURCE_FILES:
        shutil.copy2(ROOT / name, copy / name)
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--keep-pot"]
    command += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORES]
    result = subprocess.run(
        command, cwd=copy, env=dict(os.environ), capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (copy / "locale" / "django.pot").exists()  # --keep-pot: the extraction itself ran
    return polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_every_string_in_the_source_is_translated(extracted: polib.POFile) -> None:
    # A new string shows up here untranslated (or fuzzy, when msgmerge guessed from a similar one).
    missing = unfinished(extracted)
    assert missing == [], (
        "strings without a Chinese translation; run makemessages (see this module's docstring) "
        "and translate them in locale/zh_Hans/LC_MESSAGES/django.po:\n  " + "\n  ".join(missing)
    )


def test_the_catalogue_has_no_strings_the_source_dropped(zh: polib.POFile, extracted: polib.POFile) -> None:
    used = {(e.msgctxt, e.msgid) for e in active(extracted)}
    stale = [label(e) for e in active(zh) if (e.msgctxt, e.msgid) not in used]
    assert stale == [], "no longer in the source; run makemessages --no-obsolete:\n  " + "\n  ".join(stale)


# --- (c) pages in the chosen language -----------------------------------------------------------


@pytest.fixture
def compiled() -> None:
    # conftest compiles the catalogues at start-up; this keeps the module right when run alone.
    if compile_catalogues():
        forget_loaded_translations()


def inbox_html(client: Client, **headers: str) -> str:
    response = client.get("/inbox/", **headers)  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_pages_are_chinese_by_default(compiled: None, cast: Cast, client: Client) -> None:
    client.force_login(cast.office_a)
    html = inbox_html(client)
    assert '<html lang="zh-hans">' in html
    assert "<h1>待办事项</h1>" in html and "退出登录" in html and "全部待办" in html
    assert "市场监管所" in html  # the header's role label, translated from its English msgid
    assert "Inbox" not in html and "Sign out" not in html
    # A browser asking for a language we do not offer gets the default too.
    assert "<h1>待办事项</h1>" in inbox_html(client, HTTP_ACCEPT_LANGUAGE="fr")


def test_pages_are_english_on_request(compiled: None, cast: Cast, client: Client) -> None:
    client.force_login(cast.office_a)
    html = inbox_html(client, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in html
    assert "<h1>Inbox</h1>" in html and "Sign out" in html and "All open" in html
    assert "Market supervision office" in html
    assert "待办事项" not in html


def test_language_switch_sticks(compiled: None, cast: Cast, client: Client) -> None:
    client.force_login(cast.office_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "<h1>Inbox</h1>" in inbox_html(client)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/inbox/"})
    assert "<h1>待办事项</h1>" in inbox_html(client)


# --- labels that code relies on -----------------------------------------------------------------


def test_lanes_accept_the_chinese_role_names_in_any_language(compiled: None) -> None:
    # The fixed names are exactly the roles' Chinese labels ...
    with translation.override("zh-hans"):
        assert {str(role.label): role.value for role in Role} == CHINESE_ROLE_NAMES
    # ... and what a lane means does not depend on the language of the request.
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert role_for_lane("运营机构人员") == Role.OPERATOR
            assert role_for_lane(" 区局 ") == Role.DISTRICT_REVIEWER
            assert role_for_lane("operator") == Role.OPERATOR
            assert role_for_lane("Operating organization staff") is None
            assert all(isinstance(key, str) for key in LANE_ALIASES)


def test_chinese_refusals_name_the_status_in_chinese_on_an_english_page(
    compiled: None, cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    deploy_fixture("approval")
    case = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="I18N-1", subject="译文", org_unit_code=OPERATOR_A
    )
    instances.suspend(case.pk, actor=cast.admin, reason="材料待补正")
    task = case.human_tasks.get(status=HumanTask.Status.OPEN)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    assert "“已挂起”" in refused.value.message_zh
    assert "suspended" in refused.value.message_en


def test_the_suite_compiles_missing_catalogues(tmp_path: Path) -> None:
    target = tmp_path / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy2(ZH_PO, target / "django.po")
    assert compile_catalogues(tmp_path) == [target / "django.mo"]
    assert compile_catalogues(tmp_path) == []  # up to date: not rewritten
    catalogue = polib.mofile(str(target / "django.mo"))
    assert {e.msgid: e.msgstr for e in catalogue}["Inbox"] == "待办事项"
