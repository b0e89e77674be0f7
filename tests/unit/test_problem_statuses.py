"""Every refusal code has the HTTP status it calls for: a new code is placed in the catalogue
(api/problems.py) on purpose, not answered 422 by default."""

from __future__ import annotations

import ast
from pathlib import Path

from api.problems import CODES_BY_STATUS, FRAMEWORK_CODES, STATUS_OF

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("domain", "infrastructure", "service", "api", "projections")


def codes_raised() -> set[str]:
    """The first argument of every DomainError(...) (and of DomainError subclasses' super().__init__(...))."""
    found = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                    continue
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if called in ("DomainError", "__init__") and isinstance(node.args[0].value, str) and node.args[0].value.isupper():
                    found.add(node.args[0].value)
    return found


def test_every_code_raised_has_a_status_and_every_listed_code_is_raised() -> None:
    raised = codes_raised()
    assert len(raised) > 100  # the scan finds the codes (about 120 today), not an empty set
    framework = {code for codes in FRAMEWORK_CODES.values() for code in codes}  # the pages say these as the API does
    assert sorted(raised - set(STATUS_OF) - framework) == [], "raised but given no HTTP status in api/problems.py"
    assert sorted(set(STATUS_OF) - raised) == [], "listed in api/problems.py but raised nowhere"


def test_a_code_has_one_status() -> None:
    listed = [code for codes in CODES_BY_STATUS.values() for code in codes]
    assert len(listed) == len(set(listed))


def test_the_statuses_follow_what_the_code_says() -> None:
    who_may = (
        "NOT_HANDLING_INSTITUTION",
        "NOT_FIRST_RECEIVING_INSTITUTION",
        "NOT_YOUR_CASE",
        "NOT_YOUR_INSTITUTION",
        "NOT_HEAD",
        "NOT_BUREAU",
    )
    assert {STATUS_OF[c] for c in who_may} == {403}
    assert {STATUS_OF[c] for c in STATUS_OF if c.endswith("_NOT_FOUND")} == {404}
    assert {STATUS_OF[c] for c in STATUS_OF if c.startswith(("UNKNOWN_", "INVALID_PERIOD", "ALREADY_"))} == {422}
    assert (STATUS_OF["VERSION_CONFLICT"], STATUS_OF["UNAUTHENTICATED"], STATUS_OF["DATABASE_UNREACHABLE"]) == (409, 401, 503)
