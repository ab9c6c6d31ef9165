"""The one shape of a deploy refusal: where (file, line, element) and why, in English and Chinese.

Kept apart from parsing.py so that the modules that find problems (parse_errors, validation,
lane_rules, construct_rules) and the one that runs the parser can all import it;
`workflows.parsing` re-exports both names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class DeployProblem:
    """One reason a set of files cannot be deployed, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    element_id: str = ""
    code: str = "invalid"
    # Chinese for the problems that have it; the others show the English message to both.
    message_zh: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "element_id": self.element_id,
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh or self.message,
        }


class DiagramInvalid(InvalidInput):
    """The files cannot be deployed; `problems` says where and why, all of them at once."""

    code = "diagram_invalid"

    def __init__(self, problems: list[DeployProblem]) -> None:
        summary = "; ".join(p.message for p in problems[:3])
        summary_zh = "；".join(p.message_zh or p.message for p in problems[:3])
        super().__init__(
            f"The diagram cannot be deployed: {summary}",
            f"流程图无法部署，共 {len(problems)} 处问题：{summary_zh}",
            fields=[
                FieldError(
                    p.file or "files",
                    p.code,
                    p.message_zh or p.message,
                    p.message,
                    extra={"line": p.line, "element_id": p.element_id},
                )
                for p in problems
            ],
        )
        self.problems = problems


def settle(own: list[DeployProblem], engine: list[DeployProblem]) -> list[DeployProblem]:
    """Every problem once, sorted by file and line. A problem Spiff's parser raises about an
    element our own checks refused for the same reason (same code) is one problem said twice:
    ours is kept, it says what to do instead."""
    taken = {(p.file, p.element_id, p.code) for p in own}
    merged = [*own, *(p for p in engine if (p.file, p.element_id, p.code) not in taken)]
    return sorted(dict.fromkeys(merged), key=lambda p: (p.file, p.line or 0))
