"""A test client of the HTTP API with one bearer token per kind of user, shared by the HTTP tests."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from domain.vocabulary import Role
from tests.walkthrough import APPLICANT, FIRST_RECEIVING, HANDLING, LAWYER

APPLICATION: dict[str, Any] = {
    "at": "2026-03-02T09:00:00+08:00",
    "channel": "window",
    "matter_kind": "civil",
    "authority_name": "青山区人民法院",
    "authority_district": "qingshan",
    "applicant": APPLICANT,
    "hardship": {"basis": "hardship_statement", "household_monthly_income_fen": 360000, "household_size": 3},
}
APPOINTMENT = {"client_choice": LAWYER}  # the applicant chose 张律师 of the walkthrough's pool (点援)
# Who records which command on the walkthrough's case, and its body (each step's time is added by the walk).
WHOLE_LIFE: list[tuple[str, str, dict[str, Any]]] = [
    ("kundulun_staff", "transfer", {"to_institution": HANDLING, "applicant_consent": True}),
    ("kundulun_staff", "materials-dispatch", {"method": "electronic", "reference": "EMS-1"}),
    ("qingshan_staff", "materials-receipt", {}),
    ("qingshan_staff", "review-opinion", {"reviewer": "审查员", "opinion": "材料齐全", "recommendation": "grant"}),
    ("qingshan_head", "review-sign-off", {}),
    ("qingshan_staff", "platform-entry", {"platform_number": "NMG-1"}),
    ("qingshan_staff", "grant", {"document_number": "青援决字〔2026〕1号"}),
    ("qingshan_staff", "appointment", APPOINTMENT),
    ("qingshan_staff", "closure", {"outcome": "调解结案", "amount_recovered_fen": 1250000}),
    ("kundulun_staff", "closing-file", {"pages": 32}),
    ("kundulun_staff", "closing-file-review", {"reviewer": "审查员", "grade": "good"}),
    (
        "kundulun_staff",
        "subsidy-payment",
        {"kind": "civil_administrative_case", "amount_fen": 150000, "payee": "张律师", "reference": "PAY-1"},
    ),
    ("kundulun_staff", "archiving", {"archive_number": "昆档-2026-1"}),
]


class Api:
    """A test client with one bearer token per kind of user."""

    def __init__(self, client: TestClient[Any], tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def call(self, method: str, who: str, path: str, **kwargs: Any) -> Any:
        headers = {**kwargs.pop("headers", {}), **({"Authorization": f"Bearer {self.tokens[who]}"} if who else {})}
        return self.client.request(method, path, headers=headers, **kwargs)

    def post(self, who: str, path: str, json: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.call("POST", who, path, json=json or {}, **kwargs)

    def get(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.call("GET", who, path, **kwargs)


USERS = {
    "kundulun_staff": (FIRST_RECEIVING, {Role.STAFF}),
    "kundulun_head": (FIRST_RECEIVING, {Role.STAFF, Role.HEAD}),
    "qingshan_staff": (HANDLING, {Role.STAFF}),
    "qingshan_head": (HANDLING, {Role.STAFF, Role.HEAD}),
    "donghe_staff": ("baotou-donghe", {Role.STAFF}),
    "bureau": ("baotou-bureau", {Role.BUREAU}),
    "kundulun_bureau": ("baotou-kundulun-bureau", {Role.BUREAU}),  # set up the first-receiving centre
    "auditor": ("baotou-bureau", {Role.AUDITOR}),
    "kundulun_finance": (FIRST_RECEIVING, {Role.FINANCE}),
}


def received(api: Api) -> str:
    response = api.post("kundulun_staff", "/cases", APPLICATION)
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])
