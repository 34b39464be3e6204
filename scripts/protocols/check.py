"""A tiny test runner for the protocol clients: `case(name)` records a check, `summary()`
prints 'NAME: N passed, M failed' and returns the exit status."""

from __future__ import annotations

import traceback

RESULTS: list[tuple[str, str | None]] = []


def case(name: str):
    def run(function):
        try:
            function()
            RESULTS.append((name, None))
        except Exception as error:  # noqa: BLE001 - every failure is reported, then the run goes on
            RESULTS.append((name, f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"))
        return function
    return run


def summary(title: str) -> int:
    failed = [(n, e) for n, e in RESULTS if e]
    for name, error in failed:
        print(f"FAIL {name}: {error}")
    print(f"{title}: {len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not RESULTS else 0


def expect(condition: bool, message: str = ""):
    if not condition:
        raise AssertionError(message)
