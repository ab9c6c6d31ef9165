"""Permission-matrix rows for the user's own account page (casemgmt/web/account.py).

Everyone signed in has an account page and may revoke their own API token (there is nobody
else's to reach: the views only ever act on request.user). The token endpoint's DELETE is
walked per persona in tests/test_api_tokens.py.
"""

from __future__ import annotations

from tests.web.page_matrix_rows import Check, get_refused, who
from tests.workflows.api_matrix_support import Row

PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "account": (Check("get", "get", who(200)),),
    "account-token-revoke": (Check("post", "post", who(302)), get_refused()),
}
PUBLIC_PAGES: frozenset[str] = frozenset()
API_ROWS: dict[str, Row] = {}
