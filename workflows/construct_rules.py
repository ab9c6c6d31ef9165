"""Constructs Spiff 3.2 parses without complaint but runs wrongly: refused at deploy, each with
what to draw instead (issue 15). Each rule was seen misbehaving with a small diagram run through
workflows.instances.start_instance:

- an error or escalation start event (in an event subprocess): Spiff's start-event parser reads
  only message, signal, timer and conditional definitions, so the event is a plain start and the
  event subprocess runs as soon as the instance starts, whatever happens;
- an interrupting start event of an event subprocess (timer, message, signal): the event
  subprocess runs beside the rest of the process, which goes on; nothing is interrupted;
- a conditional start event of an event subprocess: nothing ever evaluates its condition, so it
  never starts;
- a signal start event of a process: the instance waits for ever and never starts (a message
  start works: workflows/messages.py starts the model when no instance waits for the message);
- a non-interrupting error boundary event (cancelActivity="false"): BPMN makes every error
  boundary interrupting, and Spiff never hands it the error, which then fails the instance.

Error boundary events (on service tasks too) run correctly and are not refused here.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .parsing import NSMAP
from .problems import DeployProblem

_BPMN = NSMAP["bpmn"]
CODE = "unsupported_event"


def _definitions(event: etree._Element) -> set[str]:
    """The kinds of event definition an event carries: 'error', 'timer', ..."""
    kinds = set()
    for child in event:
        if isinstance(child.tag, str) and child.tag.startswith(f"{{{_BPMN}}}"):
            local = etree.QName(child).localname
            if local.endswith("EventDefinition"):
                kinds.add(local.removesuffix("EventDefinition"))
    return kinds


def _is_event_subprocess(node: etree._Element | None) -> bool:
    return (
        node is not None
        and node.tag == f"{{{_BPMN}}}subProcess"
        and (node.get("triggeredByEvent") or "").strip() == "true"
    )


def _problem(file: str, event: etree._Element, en: str, zh: str) -> DeployProblem:
    return DeployProblem(file, en, event.sourceline, event.get("id", ""), CODE, message_zh=zh)


def error_start_problems(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    """Error and escalation start events, wherever they are."""
    for event in root.iter(f"{{{_BPMN}}}startEvent"):
        kinds = _definitions(event) & {"error", "escalation"}
        if not kinds:
            continue
        kind = sorted(kinds)[0]
        kind_zh = {"error": "错误", "escalation": "升级"}[kind]
        yield _problem(
            file,
            event,
            f"{kind} start events are not supported: the engine would start this as soon as the "
            f"instance starts, whatever happens; catch the {kind} with an {kind} boundary event on "
            f"the task or subprocess that raises it instead",
            f"不支持{kind_zh}开始事件：引擎会在实例一启动时就执行它，不论是否发生{kind_zh}；"
            f"请改为在引发该{kind_zh}的任务或子流程上放置{kind_zh}边界事件来捕获",
        )


def event_subprocess_start_problems(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    """Interrupting and conditional starts of event subprocesses (error and escalation starts
    are refused by error_start_problems)."""
    for event in root.iter(f"{{{_BPMN}}}startEvent"):
        if not _is_event_subprocess(event.getparent()):
            continue
        kinds = _definitions(event)
        if kinds & {"error", "escalation"}:
            continue
        if "conditional" in kinds:
            yield _problem(
                file,
                event,
                "conditional start events of event subprocesses are not supported: the engine never "
                "evaluates the condition, so the event subprocess would never start; use a timer or "
                "a message start, or an exclusive gateway in the main flow",
                "不支持事件子流程的条件开始事件：引擎从不计算该条件，事件子流程永远不会启动；"
                "请改用定时或消息开始事件，或在主流程中使用排他网关",
            )
        elif kinds and (event.get("isInterrupting") or "true").strip() != "false":
            yield _problem(
                file,
                event,
                "interrupting event subprocesses are not supported: the engine would run this one "
                "beside the rest of the process without interrupting it; mark its start event "
                'isInterrupting="false" if the process may go on, or put the work to interrupt in a '
                "subprocess with an interrupting boundary event",
                "不支持中断型事件子流程：引擎会让它与流程其余部分并行运行而不中断它们；"
                '如果流程可以继续，请将其开始事件标记为 isInterrupting="false"，'
                "否则请把需要被中断的工作放进子流程，并在子流程上放置中断型边界事件",
            )


def process_start_problems(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    """Signal start events of a process (not of an event subprocess). A message start works: a
    message nobody waits for starts the model (workflows/messages.py)."""
    for process in root.iter(f"{{{_BPMN}}}process"):
        for event in process.iterfind("bpmn:startEvent", NSMAP):
            if "signal" not in _definitions(event):
                continue
            yield _problem(
                file,
                event,
                "starting a process by a signal is not supported: the instance would wait for ever "
                "and never start; start it by a message (a message start event) or from the pages "
                "or the API",
                "不支持由信号启动流程：实例会一直等待而永远不会开始；请改用消息开始事件，或从页面或 API 启动",
            )


def error_boundary_problems(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    """Error boundary events marked non-interrupting."""
    for event in root.iter(f"{{{_BPMN}}}boundaryEvent"):
        if "error" in _definitions(event) and (event.get("cancelActivity") or "").strip() == "false":
            yield _problem(
                file,
                event,
                'an error boundary event always interrupts its task: remove cancelActivity="false" '
                "(to go on beside the task, use an escalation or a message instead)",
                '错误边界事件总是中断其任务：请删除 cancelActivity="false"'
                "（如需与任务并行继续，请改用升级或消息事件）",
            )


def check(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    yield from error_start_problems(file, root)
    yield from error_boundary_problems(file, root)
    yield from event_subprocess_start_problems(file, root)
    yield from process_start_problems(file, root)
