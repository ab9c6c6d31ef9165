"""Permission-matrix rows for the public online intake and status lookup (no sign-in).

Every page here is open to everyone, signed in or not, so each persona, "anonymous" included,
gets the same answer. Access to one case comes from knowing its number and phone (a POSTed lookup
remembered in the session), never from the user: without that proof the case's pages send the
visitor to the lookup form (302), whoever they are. The refusals' own behaviour (field errors, 429,
identical answers for a wrong phone and an unknown case) is tested in tests/public/.
"""

from __future__ import annotations

from tests.personas import PERSONA_NAMES
from tests.public.support import deploy_service_case, intake_body, make_public_project
from tests.web.page_matrix_rows import Check, Expected, World
from tests.workflows.api_matrix_support import Row

CASE_NO = lambda w: {"case_no": "FS-2026-00001"}  # noqa: E731


def submittable(world: World) -> None:
    """The shipped service-case process and an active project to submit to."""
    deploy_service_case()
    make_public_project()


def everyone(status: int) -> Expected:
    """The same status for every persona, anonymous included: nobody signs in on these pages."""
    return dict.fromkeys(PERSONA_NAMES, status)


PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "public-intake": (
        Check("get", "get", everyone(200)),
        # Nothing a service would accept: the form comes back with its errors, nothing is written.
        Check("post-invalid", "post", everyone(400), body={"credit_code": "123", "contact_phone": "1"}),
        # Signed in or not, the public form files the request as an anonymous online submission.
        Check("post-valid", "post", everyone(302), body=intake_body("fangsong"), setup=submittable),
    ),
    "public-receipt": (Check("get-without-proof", "get", everyone(302), CASE_NO),),
    "public-lookup": (
        Check("get", "get", everyone(200)),
        Check(
            "post-no-match", "post", everyone(400), body={"case_no": "FS-2026-00001", "phone": "13800138000"}
        ),
    ),
    "public-status": (Check("get-without-proof", "get", everyone(302), CASE_NO),),
    "public-feedback": (
        Check("post-without-proof", "post", everyone(302), CASE_NO, {"rating": "5"}),
        Check("get-405", "get", everyone(405), CASE_NO),
    ),
    "public-withdraw": (
        Check("post-without-proof", "post", everyone(302), CASE_NO, {"reason": "不再需要"}),
        Check("get-405", "get", everyone(405), CASE_NO),
    ),
}
PUBLIC_PAGES: frozenset[str] = frozenset(PAGE_ROWS)
API_ROWS: dict[str, Row] = {}
