"""Schemathesis hooks for scripts/schemathesis.sh.

Records every request the runs send (operation, generation mode, status) as one line in the file
named by NEIBAO_ST_CALLS, so the script can show which operations were exercised and which never
got past their refusals (only 4xx answers: nothing but the error paths was tested).
"""

import os

import schemathesis

_CALLS = os.environ.get("NEIBAO_ST_CALLS")


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
