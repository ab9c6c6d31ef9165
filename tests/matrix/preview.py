"""Permission-matrix rows for 流程预测 (path preview, issue 17): the next steps of an open task.

The world's task is SQ-1's "submit", open in operator@operator-fs: only its group (operator_a)
may work it, so only they may preview where it goes; the others who see the case are refused,
and who cannot see it gets 404, exactly as for a task that does not exist.
"""

from __future__ import annotations

from tests.web.page_matrix_rows import Check, get_refused, on_case_a
from tests.workflows.api_matrix_support import Row, by_visibility, url

TASK = lambda w: {"pk": w.task.pk}  # noqa: E731
HOLDER_ONLY = {"admin": 403, "auditor": 403, "reviewer": 403, "office_a": 403, "operator_a": 200}

PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    # The task form as posted so far (half filled: the amount is not entered yet).
    "task-preview-page": (
        Check("post", "post", on_case_a(**HOLDER_ONLY), TASK, {"f.title": "计量"}),
        get_refused(TASK),
    ),
}
PUBLIC_PAGES: frozenset[str] = frozenset()
API_ROWS: dict[str, Row] = {
    "task-preview": Row(
        "post",
        url("task-preview", pk=lambda w: w.task.pk),
        lambda w: {"data": {"title": "计量"}},
        by_visibility(HOLDER_ONLY),
        403,
    ),
}
