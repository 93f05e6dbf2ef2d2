"""Schemathesis hooks for scripts/schemathesis.sh.

Records every request the runs send (operation, generation mode, status) as one line in the file
named by NEIBAO_ST_CALLS, so the script can show which operations were exercised and which never
got past their refusals (only 4xx answers: nothing but the error paths was tested).
"""

import os
import re
import uuid

import schemathesis

_CALLS = os.environ.get("NEIBAO_ST_CALLS")


_KEY = re.compile(r"^[!-~]{1,255}$")


@schemathesis.hook
def before_call(context, case, kwargs):
    """A schema-valid `Idempotency-Key` is made unique per call: generated keys repeat (hypothesis
    likes "0"), and a repeated key with another body is rightly refused with 422
    (`idempotency_key_reused`, docs/API.md "Idempotent requests"), which would read as a valid
    request refused. Malformed keys (negative cases) are sent as generated."""
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and _KEY.match(headers[name]):
            headers[name] = f"st-{uuid.uuid4()}"


@schemathesis.hook
def after_call(context, case, response):
    if not _CALLS:
        return
    mode = "?"
    meta = getattr(case, "meta", None)
    if meta is not None:
        mode = "negative" if meta.generation.mode.is_negative else "positive"
    with open(_CALLS, "a", encoding="utf-8") as f:
        f.write(f"{case.operation.label}\t{mode}\t{response.status_code}\n")
