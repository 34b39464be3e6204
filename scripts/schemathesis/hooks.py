"""Schemathesis hooks for Augur (scripts/schemathesis/run.sh).

`positive_data_acceptance_with_rules` replaces schemathesis' `positive_data_acceptance`: schema-
valid data must be accepted, except that a route's rules (documented under `x-augur-rules` in
the request schema) relate several fields, which JSON Schema cannot express, so a 422 whose every
problem is `rule_failed` is the one accepted refusal.
"""
import json

import schemathesis


@schemathesis.check
def positive_data_acceptance_with_rules(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    # Protocol endpoints check their bodies against the model's signature, which their generic
    # schema cannot state; their other checks (no 5xx, statuses, content types, schemas) run.
    if not case.operation.tags or "predictions" not in case.operation.tags:
        return None
    status = response.status_code
    if status < 400:
        return None
    if status == 422:
        try:
            detail = json.loads(response.content)["detail"]
        except (ValueError, KeyError, TypeError):
            detail = None
        if detail and all(d.get("type") == "rule_failed" for d in detail):
            return None
    body = response.content.decode("utf-8", "replace")[:500]
    raise AssertionError(f"Schema-valid data rejected with {status} (rule_failed is the only allowed 422): {body}")
