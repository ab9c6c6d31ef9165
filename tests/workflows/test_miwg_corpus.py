"""The BPMN MIWG reference diagrams, written by modelling-tool vendors, through deploy: each is
accepted after the mechanical adaptation its README allows (tests/workflows/miwg_support.py) or
refused with problems a modeller can act on; the originals as the vendors wrote them likewise.
Never a crash, never a message with a repr or a namespace URI in it, never a problem without
its file and line."""

from __future__ import annotations

import re

import pytest

from core.service import Actor
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.deploy import check_files, deploy
from workflows.models import HumanTask, InstanceStatus
from workflows.parsing import DeployProblem, DiagramInvalid

from .miwg_support import BUNDLE, BUNDLE_MAIN, adapt, corpus_files, main_process, mutate, read

pytestmark = pytest.mark.django_db

# What each adapted file comes to: accepted (no codes) or refused for these reasons, each a
# construct the engine does not run (data stores, signal starts, unnamed messages, interrupting event
# subprocesses, data associations it cannot resolve) or vendor text no mechanical rewrite makes
# Python (FEEL, XPath, empty timers, gateways without conditions).
ADAPTED: dict[str, set[str]] = {
    "A.1.0.bpmn": set(),
    "A.2.0.bpmn": {"condition"},
    "A.2.1.bpmn": {"expression_language", "outgoing"},
    "A.3.0.bpmn": {"subprocess"},
    "A.4.0.bpmn": set(),
    "A.4.1.bpmn": set(),
    # Their call activities call processes the file does not hold, nor any deployed model.
    "B.1.0.bpmn": {"call_activity", "data_store", "timer", "unnamed_event"},
    "B.2.0.bpmn": {"call_activity", "data_store", "timer", "unnamed_event", "unsupported_event"},
    "C.1.0.bpmn": {"timer"},
    "C.1.1.bpmn": {"data_store", "expression"},
    "C.2.0.bpmn": {"unnamed_event"},
    "C.3.0.bpmn": {"expression", "subprocess"},
    "C.4.0.bpmn": {"data_store", "unsupported_event"},
    "C.5.0.bpmn": {"data_store"},
    "C.6.0.bpmn": {"data_association", "timer", "unsupported_event"},
    "C.7.0.bpmn": {"data_association"},
    "C.8.0.bpmn": {"data_association", "expression"},
    "C.8.1.bpmn": {"data_association", "expression_language"},
}
# "loop": C.9.2's multi-instance call activity names neither a cardinality nor an input list;
# Spiff reports it when it builds that process on its own (the main process's build stops at its
# own first problem).
BUNDLE_CODES = {"decision", "expression", "loop", "unsupported_event"}
ACCEPTED = sorted(name for name, codes in ADAPTED.items() if not codes)

# What no message may carry: reprs, namespace URIs, Spiff's dangling phrases and trailers.
GARBAGE = re.compile(r"<|object at 0x|\{https?:|for tasks of type|Context:|\w+Error\(|\.\s*$|\n")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def assert_clean(problems: list[DeployProblem], files: dict[str, str]) -> None:
    assert problems, "a refusal names its problems"
    for problem in problems:
        where = f"{problem.file}:{problem.line} {problem.code}: {problem.message}"
        assert problem.file in files, where
        assert isinstance(problem.line, int) and 1 <= problem.line <= files[problem.file].count("\n") + 1, (
            where
        )
        assert problem.element_id, f"{where}: every problem in the corpus is about an element"
        assert f'id="{problem.element_id}"' in files[problem.file], where
        assert not GARBAGE.search(problem.message), where
        assert CHINESE.search(problem.message_zh), where
        assert problem.code != "engine", f"{where}: a message of Spiff's we do not translate yet"
    assert len(set(problems)) == len(problems), "each problem once"
    keys = [(p.file, p.line) for p in problems]
    assert keys == sorted(keys), "sorted by file and line"


def outcome(files: dict[str, str], key: str, admin: Actor) -> list[DeployProblem]:
    """Deploy (validate only) and check_files must agree; only DiagramInvalid may come out."""
    main, checked = check_files(files, key)
    try:
        deploy(files, actor=admin, model_key=key, validate_only=True)
    except DiagramInvalid as exc:
        assert exc.problems == checked
        assert_clean(exc.problems, files)
        return exc.problems
    assert checked == [] and main
    return []


def test_the_corpus_is_all_there() -> None:
    assert len(corpus_files()) == 21
    assert set(corpus_files()) == set(ADAPTED) | set(BUNDLE)


@pytest.mark.parametrize("name", sorted(ADAPTED))
def test_an_adapted_diagram_is_accepted_or_refused_cleanly(name: str, cast: Cast) -> None:
    files = adapt({name: read(name)})
    problems = outcome(files, main_process(files[name]), cast.admin)
    assert {p.code for p in problems} == ADAPTED[name]


@pytest.mark.parametrize("name", corpus_files())
def test_an_original_diagram_is_refused_cleanly(name: str, cast: Cast) -> None:
    # As the vendors wrote them, none can run here: not executable, lanes that are no roles,
    # service tasks without a handler, or one of the refusals above.
    files = {name: read(name)}
    assert outcome(files, main_process(files[name]), cast.admin)


@pytest.mark.parametrize("seed", range(40))
def test_a_broken_diagram_is_refused_cleanly_never_a_crash(seed: int, cast: Cast) -> None:
    name = corpus_files()[seed % 21]
    files = {name: mutate(adapt({name: read(name)})[name], seed)}
    key = main_process(files[name])
    _, checked = check_files(files, key)
    try:
        deploy(files, actor=cast.admin, model_key=key or None, validate_only=True)
    except DiagramInvalid as exc:
        assert exc.problems == checked
        for problem in exc.problems:
            where = f"{problem.line} {problem.code}: {problem.message}"
            assert isinstance(problem.line, int) and CHINESE.search(problem.message_zh), where
            assert not GARBAGE.search(problem.message) and problem.code != "engine", where
    else:
        assert checked == []


def test_the_call_activity_bundle_is_checked_as_one_file_set(cast: Cast) -> None:
    files = adapt({name: read(name) for name in BUNDLE})
    problems = outcome(files, BUNDLE_MAIN, cast.admin)
    assert {p.code for p in problems} == BUNDLE_CODES
    # The called processes are found in the set: no problem says one is missing.
    assert not [p for p in problems if p.code == "call_activity"]


def test_a_called_process_of_the_bundle_is_accepted_on_its_own(cast: Cast) -> None:
    files = adapt({"C.9.1.bpmn": read("C.9.1.bpmn")})
    assert outcome(files, "requestDocument_en", cast.admin) == []


@pytest.mark.parametrize("name", ACCEPTED)
def test_an_accepted_diagram_runs_to_its_end(name: str, cast: Cast) -> None:
    # Their steps are plain tasks, which the engine gives to people: the operator works each one.
    files = adapt({name: read(name)})
    key = main_process(files[name])
    assert deploy(files, actor=cast.admin, model_key=key).created
    case = instances.start_instance(key, actor=cast.operator_a, org_unit_code=OPERATOR_A)
    for _ in range(50):
        case.refresh_from_db()
        assert case.status != InstanceStatus.ERROR, case.last_error
        task = case.human_tasks.filter(status=HumanTask.Status.OPEN).order_by("pk").first()
        if task is None:
            break
        human_tasks.complete(task.pk, actor=cast.operator_a, data={})
    assert case.status == InstanceStatus.COMPLETED
    assert case.human_tasks.filter(status=HumanTask.Status.COMPLETED).exists()
