"""Deploy-time checks of call activities, and the callee versions a deployment binds.

A call activity's `calledElement` names a process of the same file set (Spiff's own case, which
wins when both exist) or the key of a deployed process model, whose main process then runs
(workflows/call_specs.py). Its `calledElementBinding` property says which version: `latest`
(default), the callee's newest when the call starts, or `deployment`, the callee's newest when the
caller is deployed, recorded in the caller's ProcessModelVersion.callees.

Refused at deploy, each naming the call activity and its line:
- a callee that is neither in the file set nor a deployed model;
- a binding other than `latest` or `deployment`, or two bindings for one callee in one deployment
  (the engine keeps one spec per calledElement);
- a callee by key whose main process declares no ioSpecification: only what it declares crosses
  the call, so it must say what that is (an empty inputSet and outputSet say "nothing");
- a call that leads back to the model being deployed, directly or through other models.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from . import rows, spec_cache
from .call_specs import BINDING_PROPERTY, BINDINGS, DEPLOYMENT, LATEST
from .models import ProcessModelVersion
from .parsing import NSMAP, DeployProblem, DiagramInvalid, ParsedFiles
from .validation import task_properties

_CALL = f"{{{NSMAP['bpmn']}}}callActivity"
# How far a chain of calls is followed looking for a way back; deeper chains are not refused.
MAX_DEPTH = 50


@dataclass(frozen=True)
class Call:
    file: str
    node: etree._Element
    called: str
    binding: str

    def problem(self, code: str, message: str, message_zh: str) -> DeployProblem:
        return DeployProblem(
            self.file, message, self.node.sourceline, self.node.get("id", ""), code, message_zh
        )


def calls(parsed: ParsedFiles) -> list[Call]:
    """Every call activity naming a callee (one naming none is Spiff's to refuse)."""
    found: list[Call] = []
    for name, root in sorted(parsed.bpmn.items()):
        for node in root.iter(_CALL):
            called = node.get("calledElement") or ""
            if called:
                binding = task_properties(node).get(BINDING_PROPERTY, "").strip() or LATEST
                found.append(Call(name, node, called, binding))
    return found


def _process_ids(parsed: ParsedFiles) -> set[str]:
    return {
        str(process.get("id"))
        for root in parsed.bpmn.values()
        for process in root.iterfind("bpmn:process", NSMAP)
        if process.get("id")
    }


def by_key(parsed: ParsedFiles) -> list[Call]:
    ids = _process_ids(parsed)
    return [call for call in calls(parsed) if call.called not in ids]


def check(parsed: ParsedFiles, model_key: str) -> list[DeployProblem]:
    """What keeps the calls of these files (deployed as `model_key`) from running."""
    problems: list[DeployProblem] = []
    in_file_set = _process_ids(parsed)
    chosen: dict[str, str] = {}
    for call in calls(parsed):
        if call.binding not in BINDINGS:
            problems.append(
                call.problem(
                    "call_binding",
                    f"{BINDING_PROPERTY} {call.binding!r} is not a binding: write 'latest' (the callee's "
                    "newest version when the call starts) or 'deployment' (its newest when this model "
                    "is deployed)",
                    f"{BINDING_PROPERTY} 的值“{call.binding}”无效：请写 latest"
                    "（调用开始时被调用流程的最新版本）或 deployment（部署本流程时被调用流程的最新版本）",
                )
            )
            continue
        if call.called in in_file_set:
            continue
        if chosen.setdefault(call.called, call.binding) != call.binding:
            problems.append(
                call.problem(
                    "call_binding",
                    f"the process model {call.called!r} is called with two bindings in this deployment; "
                    "use one for all its calls",
                    f"本次部署中对流程模型“{call.called}”的调用使用了两种版本绑定方式；请统一为一种",
                )
            )
        problems.extend(_callee_problems(call, model_key))
    return problems


def _callee_problems(call: Call, model_key: str) -> Iterator[DeployProblem]:
    if call.called == model_key:
        yield _cycle(call, [model_key, model_key])
        return
    version = rows.find_version(call.called) if len(call.called) <= 100 else None
    if version is None:
        yield call.problem(
            "call_activity",
            f"the called process {call.called!r} is neither a process in these files nor a deployed "
            "process model: deploy that model first, or deploy its file together with this one",
            f"被调用的流程“{call.called}”既不在本次部署的文件中，也不是已部署的流程模型："
            "请先部署该流程模型，或将其文件一并部署",
        )
        return
    try:
        callee = spec_cache.compiled(version)
    except DiagramInvalid:
        yield call.problem(
            "call_activity",
            f"the newest version of the called process model {call.called!r} can no longer be loaded: "
            "deploy it again",
            f"被调用的流程模型“{call.called}”的最新版本已无法加载：请重新部署该模型",
        )
        return
    if callee.spec.io_specification is None:
        yield call.problem(
            "call_mapping",
            f"the called process model {call.called!r} declares no data inputs and outputs: give its "
            "process an ioSpecification naming the variables that go in (dataInput) and come back "
            "(dataOutput); only those cross the call, and empty input and output sets say nothing does",
            f"被调用的流程模型“{call.called}”没有声明输入输出数据：请在其流程中用 ioSpecification 声明"
            "传入的变量（dataInput）和传回的变量（dataOutput）；只有声明的变量才会跨越调用，"
            "输入集和输出集为空表示不传递任何变量",
        )
    chain = _way_back(version, model_key, {version.pk}, 0)
    if chain:
        yield _cycle(call, [model_key, *chain])


def _cycle(call: Call, chain: list[str]) -> DeployProblem:
    path = " → ".join(chain)
    return call.problem(
        "call_cycle",
        f"calling {call.called!r} leads back to this process model ({path}): a process may not call "
        "itself, directly or through the models it calls",
        f"调用“{call.called}”会回到本流程模型（{path}）：流程不能直接或经由其他流程模型调用自身",
    )


def _way_back(version: ProcessModelVersion, target: str, seen: set[int], depth: int) -> list[str]:
    """The model keys from `version`'s model to `target` along the calls its versions would make
    once `target` is deployed; [] when none leads there. A call bound to an earlier version of
    `target` (`deployment`) is followed into that version rather than taken for a way back."""
    if depth >= MAX_DEPTH:
        return []
    here = version.process_model.key
    try:
        found = spec_cache.compiled(version)
    except DiagramInvalid:
        return []
    for called, binding in sorted(found.calls.items()):
        if called == target and binding == LATEST:
            return [here, called]  # would call the version being deployed
        try:
            following = spec_cache.callee_version(called, binding, version.callees)
        except KeyError:
            continue
        if following.pk in seen:
            continue
        seen.add(following.pk)
        rest = _way_back(following, target, seen, depth + 1)
        if rest:
            return [here, *rest]
    return []


def bindings(parsed: ParsedFiles) -> dict[str, int]:
    """{calledElement: id of the callee's newest version} for the calls bound at deployment."""
    bound: dict[str, int] = {}
    for call in by_key(parsed):
        if call.binding == DEPLOYMENT and call.called not in bound:
            version = rows.find_version(call.called)
            if version is not None:
                bound[call.called] = version.pk
    return bound
