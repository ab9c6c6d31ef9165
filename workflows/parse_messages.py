"""Spiff's parser messages and libxml2's schema messages that we recognise, said again for a
modeller in English and Chinese.

Each pattern is matched against the cleaned message (parse_errors.clean_text: whitespace
collapsed, namespaces as prefixes, no reprs). Named groups fill the templates; `tag` is the
element Spiff names. `find` is an XPath (with `$name` bound to the group `name`) locating the
element when Spiff names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    pattern: re.Pattern[str]
    code: str
    en: str
    zh: str
    find: str = ""


def _known(pattern: str, code: str, en: str, zh: str, find: str = "") -> Known:
    return Known(re.compile(pattern, re.DOTALL), code, en, zh, find)


_DEFINITIONS = (
    ("Message", "message", "消息"),
    ("Signal", "signal", "信号"),
    ("Error", "error", "错误"),
    ("Escalation", "escalation", "升级"),
    ("Correlation", "correlation property", "关联属性"),
    ("Data Store", "data store", "数据存储"),
)

KNOWN: tuple[Known, ...] = (
    _known(
        r"A Service Task must have an operator",
        "handler",
        "service task names no handler",
        "服务任务没有指定处理程序（spiffworkflow:serviceTaskOperator）",
    ),
    _known(
        r"Invalid Script Task",
        "script_task",
        "script tasks are not allowed; use a service task with a registered handler",
        "不允许使用脚本任务；请改用服务任务并指定已注册的处理程序",
    ),
    _known(
        r"Process (?P<name>.+?) is not executable",
        "not_executable",
        "process '{name}' is not executable: mark it isExecutable=\"true\" (a called process must be "
        "executable too)",
        '流程“{name}”未标记为可执行：请设置 isExecutable="true"（被调用的流程也必须可执行）',
    ),
    _known(
        r"There is no support implemented for this task type",
        "unsupported_element",
        "the engine does not support {tag} elements",
        "引擎不支持 {tag} 元素",
    ),
    _known(r"No start event found", "start_event", "the process has no start event", "流程没有开始事件"),
    _known(
        r"Sequential ordering for ad hoc subprocesses not supported",
        "unsupported_element",
        'an ad hoc subprocess with sequential ordering is not supported; use ordering="Parallel"',
        '不支持顺序执行的特殊子流程（ad hoc），请使用 ordering="Parallel"',
    ),
    _known(
        r"Ad hoc subprocesses may not contain start or end events",
        "subprocess",
        "an ad hoc subprocess may not contain start or end events",
        "特殊子流程（ad hoc）中不能有开始事件或结束事件",
    ),
    *(
        _known(
            rf"{spiff} identifier is missing from bpmn xml",
            "missing_id",
            f"a {en} definition has no id",
            f"有一个{zh}定义缺少 id",
            f"//bpmn:{spiff[0].lower()}{spiff[1:].replace(' ', '')}[not(@id)]",
        )
        for spiff, en, zh in _DEFINITIONS
    ),
    _known(
        r"Data Store name is missing from bpmn xml",
        "data_store",
        "a data store has no name",
        "有一个数据存储缺少名称",
        "//bpmn:dataStore[not(@name)]",
    ),
    _known(
        r"Data Store with name (?P<name>.*) has no implementation",
        "data_store",
        "data store '{name}' is not supported: the engine keeps a case's data in its process "
        "variables; remove the data store and its references",
        "不支持数据存储“{name}”：引擎只在流程变量中保存案件数据；请删除该数据存储及其引用",
        "//bpmn:dataStore[normalize-space(@name)=$name]",
    ),
    _known(
        r"Correlation is missing correlation property retrieval expressions: (?P<name>.*)",
        "correlation",
        "correlation property '{name}' has no retrieval expression",
        "关联属性“{name}”没有取值表达式（correlationPropertyRetrievalExpression）",
        "//bpmn:correlationProperty[@id=$name]",
    ),
    _known(
        r"Message identifier is missing from correlation property: (?P<name>.*)",
        "correlation",
        "a retrieval expression of correlation property '{name}' names no message (messageRef)",
        "关联属性“{name}”的取值表达式没有指明消息（messageRef）",
        "//bpmn:correlationProperty[@id=$name]",
    ),
    _known(
        r"Duplicate process ID: (?P<name>.*)",
        "duplicate_id",
        "two processes have the id '{name}'",
        "有两个流程使用同一 id“{name}”",
    ),
    # Spiff raises this when a sequence flow's target is not an element of the process.
    _known(
        r"When looking for a task spec, we found two items.*\((?P<name>[^()]*)\)",
        "flow",
        "a sequence flow leaving this element goes to '{name}', which is not an element of its process",
        "从该元素流出的顺序流指向“{name}”，而它不是本流程中的元素",
    ),
    # Spiff 3.2 calls raise_validation_exception(..., node=...) where a reference is dangling,
    # which that method does not take: the TypeError is all that is left of the message.
    _known(
        r".*raise_validation_exception\(\) got an unexpected keyword argument",
        "missing_ref",
        "this event refers to an error, escalation, message or signal that the file does not define "
        "(check its errorRef, escalationRef, messageRef or signalRef)",
        "该事件引用的错误、升级、消息或信号在文件中没有定义"
        "（请检查 errorRef、escalationRef、messageRef 或 signalRef）",
    ),
    _known(
        r"The process '(?P<name>.*?)' was not found",
        "call_activity",
        "the called process '{name}' is not in this deployment: deploy its file together with this one",
        "被调用的流程“{name}”不在本次部署的文件中：请将其文件一并部署",
        "//bpmn:callActivity[@calledElement=$name]",
    ),
    _known(
        r'No "calledElement" attribute for Call Activity',
        "call_activity",
        "the call activity names no process to call (calledElement)",
        "调用活动没有指明要调用的流程（calledElement）",
    ),
    _known(
        r"The called process '(?P<name>.*?)' was not found",
        "call_activity",
        "the called process '{name}' is not in this deployment: deploy its file together with this one",
        "被调用的流程“{name}”不在本次部署的文件中：请将其文件一并部署",
        "//bpmn:callActivity[@calledElement=$name]",
    ),
    _known(
        r"Conditional event definition with missing condition",
        "condition",
        "the conditional event has no condition",
        "条件事件没有条件表达式",
    ),
    _known(
        r"Non-default exclusive outgoing sequence flow without condition",
        "condition",
        "this sequence flow leaves an exclusive gateway without a condition and is not the gateway's "
        "default: give it a condition or make it the default flow",
        "从排他网关流出的这条顺序流既没有条件，也不是网关的默认流：请为其设置条件或设为默认流",
    ),
    _known(
        r"Unknown Time Specification",
        "timer",
        "the timer has no timeDate, timeDuration or timeCycle",
        "定时事件没有 timeDate、timeDuration 或 timeCycle",
    ),
    _known(
        r"Time Specification Error\.? ?Unknown Time Specification",
        "timer",
        "the timer has no timeDate, timeDuration or timeCycle",
        "定时事件没有 timeDate、timeDuration 或 timeCycle",
    ),
    _known(
        r"Time Specification Error\.? ?(?P<detail>.*)",
        "timer",
        "the timer cannot be read: {detail}",
        "无法读取定时设置：{detail}",
    ),
    _known(
        r"Cannot resolve dataInputAssociation",
        "data_association",
        "a data input of this element refers to something the engine cannot find in its process "
        "(data stores are not supported; a data object must be declared in the same process)",
        "该元素的数据输入引用的对象在其流程中找不到（不支持数据存储；数据对象必须在同一流程中声明）",
    ),
    _known(
        r"Cannot resolve dataOutputAssociation",
        "data_association",
        "a data output of this element refers to something the engine cannot find in its process "
        "(data stores are not supported; a data object must be declared in the same process)",
        "该元素的数据输出引用的对象在其流程中找不到（不支持数据存储；数据对象必须在同一流程中声明）",
    ),
    _known(
        r"Exactly one start event is required in a SubWorkflow Task; found (?P<n>\d+)",
        "subprocess",
        "a subprocess needs exactly one start event; this one has {n}",
        "子流程必须恰好有一个开始事件，此处有 {n} 个",
    ),
    _known(
        r"A SubWorkflow Must contain an End event",
        "subprocess",
        "a subprocess needs an end event",
        "子流程必须有结束事件",
    ),
    _known(
        r"A loopMaximum or loopCondition must be specified for Loop Tasks",
        "loop",
        "a loop task needs a loopMaximum or a loopCondition",
        "循环任务需要 loopMaximum 或 loopCondition",
    ),
    _known(
        r"A multiinstance task must specify a cardinality or a loop input data reference",
        "loop",
        "a multi-instance task needs a loopCardinality or a loopDataInputRef",
        "多实例任务需要 loopCardinality 或 loopDataInputRef",
    ),
    _known(
        r"A multiinstance task must specify exactly one of cardinality or loop input data reference",
        "loop",
        "a multi-instance task takes a loopCardinality or a loopDataInputRef, not both",
        "多实例任务只能有 loopCardinality 或 loopDataInputRef 之一，不能两者都有",
    ),
    _known(
        r"The loop (?P<dir>input|output) data reference is missing from the IO specification",
        "loop",
        "the loop's data {dir} reference is not declared in the task's ioSpecification",
        "循环的数据引用（{dir}）未在任务的 ioSpecification 中声明",
    ),
    _known(
        r"Cancel Events may only be used with transactions",
        "cancel_event",
        "cancel events may only be used with transactions",
        "取消事件只能用于事务子流程",
    ),
    _known(
        r"Multiple outgoing flows are not supported for tasks of type",
        "outgoing",
        "this {tag} has several outgoing sequence flows and the engine takes one: add a gateway after "
        "it (parallel to take all of them, exclusive to choose one)",
        "该 {tag} 有多条流出的顺序流，引擎只支持一条："
        "请在其后加一个网关（并行网关走全部分支，排他网关选择其一）",
    ),
    _known(
        r"Expected an? (?P<kind>[Ee]rror|Escalation|Message|Signal) node",
        "missing_ref",
        "the event refers to a {kind} that is not defined in this file",
        "该事件引用的定义（{kind}）在本文件中不存在",
    ),
    _known(
        r"Could not find messageRef from message event definition: (?P<name>.*)",
        "missing_ref",
        "the message event refers to message '{name}', which is not defined in this file",
        "消息事件引用的消息“{name}”在本文件中不存在",
    ),
    _known(
        r'No DMN Diagram available with id "None"',
        "decision",
        "the business rule task names no decision table (spiffworkflow:calledDecisionId)",
        "业务规则任务没有指明决策表（spiffworkflow:calledDecisionId）",
    ),
    _known(
        r'No DMN Diagram available with id "(?P<name>.*?)"',
        "decision",
        "decision table '{name}' is not in this deployment: deploy its DMN file together with the diagram",
        "决策表“{name}”不在本次部署的文件中：请将其 DMN 文件与流程图一并部署",
    ),
    _known(r"No decisions found", "dmn", "the DMN file holds no decision", "DMN 文件中没有决策"),
    _known(
        r"Multiple decision tables are not current supported",
        "dmn",
        "a DMN file may hold one decision table only",
        "一个 DMN 文件只能包含一个决策表",
    ),
    _known(
        r"Unknown type in decision table: '?(?P<name>[^']*)'?",
        "dmn",
        "the decision table holds an element the engine does not know: {name}",
        "决策表中有引擎不认识的元素：{name}",
    ),
    _known(
        r"Malformed Output Expression '(?P<name>.*?)'",
        "expression",
        "decision output '{name}' is not a valid expression",
        "决策输出“{name}”不是有效的表达式",
    ),
    _known(
        r"maximum recursion depth exceeded",
        "too_deep",
        "the engine cannot read this diagram: a chain of steps or a nesting of subprocesses is too "
        "long; split the process with subprocesses or call activities",
        "引擎无法读取该流程图：步骤链或子流程嵌套过长；请用子流程或调用活动拆分流程",
    ),
    _known(
        r"(?:Invalid predicate|Invalid expression|Unfinished literal|Invalid type)$",
        "reference",
        "an id or reference contains a quote or another character the engine cannot look up",
        "某个 id 或引用中含有引号等引擎无法查找的字符",
    ),
)

_EL = r"Element '(?P<el>[^']+)'"
_EXPECTED = r"Expected is (?:one of )?\( (?P<exp>.+?) \)"

SCHEMA_KNOWN: tuple[Known, ...] = (
    _known(
        rf"{_EL}: This element is not expected\. {_EXPECTED}",
        "schema",
        "element {el} is not allowed here; expected {exp}",
        "此处不允许出现元素 {el}，应为 {exp}",
    ),
    _known(
        rf"{_EL}: This element is not expected",
        "schema",
        "element {el} is not allowed here",
        "此处不允许出现元素 {el}",
    ),
    _known(
        rf"{_EL}: Missing child element\(s\)\. {_EXPECTED}",
        "schema",
        "element {el} lacks a child element; expected {exp}",
        "元素 {el} 缺少子元素，应有 {exp}",
    ),
    _known(
        rf"{_EL}, attribute '(?P<at>[^']+)': The attribute '[^']+' is not allowed",
        "schema",
        "attribute {at} is not allowed on element {el}",
        "元素 {el} 不允许有属性 {at}",
    ),
    _known(
        rf"{_EL}: The attribute '(?P<at>[^']+)' is required but missing",
        "schema",
        "element {el} lacks the required attribute {at}",
        "元素 {el} 缺少必需的属性 {at}",
    ),
    # A well-formed name refused as an xs:ID is one used twice.
    _known(
        rf"{_EL}, attribute 'id': '(?P<val>[A-Za-z_][\w.-]*)' is not a valid value of the atomic "
        r"type 'xs:ID'",
        "duplicate_id",
        "id '{val}' is used by another element too",
        "id“{val}”已被另一个元素使用",
    ),
    _known(
        rf"{_EL}, attribute '(?P<at>[^']+)': '(?P<val>.*)' is not a valid value of the \w+ type "
        r"'(?P<type>[^']+)'",
        "schema",
        "attribute {at} of element {el}: '{val}' is not a valid {type}",
        "元素 {el} 的属性 {at}：“{val}”不是有效的 {type}",
    ),
    _known(
        rf"{_EL}: '(?P<val>.*)' is not a valid value of the \w+ type '(?P<type>[^']+)'",
        "schema",
        "element {el}: '{val}' is not a valid {type}",
        "元素 {el}：“{val}”不是有效的 {type}",
    ),
    _known(
        rf"{_EL}: Character content other than whitespace is not allowed",
        "schema",
        "element {el} may not contain text",
        "元素 {el} 中不能有文本",
    ),
    _known(
        rf"{_EL}: No matching global declaration available for the validation root",
        "schema",
        "this is not a BPMN 2.0 file: its root element is {el}, not bpmn:definitions",
        "这不是 BPMN 2.0 文件：其根元素是 {el}，而不是 bpmn:definitions",
    ),
    _known(
        rf"{_EL}, attribute '(?P<at>[^']+)': .*ID.*",
        "schema",
        "attribute {at} of element {el} is not a valid or unique id",
        "元素 {el} 的属性 {at} 不是有效或唯一的 id",
    ),
)
