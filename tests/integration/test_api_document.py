"""The API document tells the truth: what each operation answers, with which body and headers, the closed
vocabularies as enums, and pages that need no internet. (That the server answers nothing the document does
not declare is checked by Schemathesis in test_api_fuzz.py.)"""

from __future__ import annotations

import re
from typing import Any

import pytest

from domain.case_status import CaseStatus
from domain.commands import CASE_COMMANDS
from domain.vocabulary import MatterKind
from infrastructure.ledger import CaseLedger
from tests.http_client import APPLICATION, Api, received
from tests.walkthrough import WHOLE_CASE_RECORDS, walk_whole_case

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    answer = api.client.get("/schema/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def problem_ref(response: dict[str, Any]) -> str:
    return str(response["content"]["application/problem+json"]["schema"]["$ref"])


def test_a_command_is_documented_as_answering_200_with_its_new_version_and_every_refusal_as_a_problem(document: dict[str, Any]) -> None:
    for command in CASE_COMMANDS.values():
        operation = document["paths"][f"/cases/{{case_id}}/{command.path}"]["post"]
        assert sorted(operation["responses"]) == ["200", "400", "401", "403", "404", "409", "412", "413", "415", "422", "503"]
        assert operation["responses"]["200"]["headers"].keys() >= {"ETag", "Idempotent-Replayed", "X-Request-ID"}
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/CommandAnswer")
        assert {problem_ref(operation["responses"][s]) for s in ("400", "404", "412", "422")} == {"#/components/schemas/Problem"}
        assert {(p["name"], p["in"]) for p in operation["parameters"]} >= {("If-Match", "header"), ("Idempotency-Key", "header")}
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "code", "detail"}
    assert "PRECONDITION_FAILED" in problem["properties"]["code"]["description"]  # the codes, listed by status


def test_receiving_is_documented_as_201_with_location_and_no_body_the_api_never_sends(document: dict[str, Any]) -> None:
    receive = document["paths"]["/cases"]["post"]
    assert receive["responses"]["201"]["headers"].keys() >= {"Location", "ETag"}
    assert receive["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Received")
    for operation in (op for path in document["paths"].values() for op in path.values()):
        for status, response in operation["responses"].items():
            if status >= "400":  # Litestar's own {status_code, detail, extra} body is never sent: every refusal is a problem
                assert problem_ref(response) == "#/components/schemas/Problem", (operation["operationId"], status)


def test_closed_vocabularies_are_enums_and_a_value_outside_one_is_refused_naming_the_choices(api: Api, document: dict[str, Any]) -> None:
    def query_schema(path: str, name: str) -> dict[str, Any]:
        parameter = next(p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)
        schema = parameter["schema"]
        one = next((s for s in schema.get("oneOf", [schema]) if "$ref" in s or "enum" in s), schema)
        if "$ref" in one:
            one = document["components"]["schemas"][one["$ref"].rsplit("/", 1)[1]]
        return dict(one)

    assert set(query_schema("/cases", "status")["enum"]) == {s.value for s in CaseStatus}
    assert set(query_schema("/cases", "matter_kind")["enum"]) == {m.value for m in MatterKind}
    assert set(query_schema("/ledger", "format")["enum"]) == {"json", "csv", "xlsx"}
    assert set(document["paths"]["/ledger"]["get"]["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    received(api)
    refused = api.get("kundulun_staff", "/cases", params={"status": "finished"})
    assert (refused.status_code, refused.json()["code"]) == (422, "INVALID_REQUEST")  # not an empty 200
    assert refused.json()["errors"][0]["field"] == "status" and "appointed" in refused.json()["detail"]
    assert api.get("kundulun_staff", "/cases", params={"status": "received"}).json()["total"] == 1
    pdf = api.get("bureau", "/ledger", params={"format": "pdf"}).json()
    assert pdf["code"] == "INVALID_REQUEST" and "json, csv, xlsx" in pdf["detail"]


def test_every_answer_carries_its_request_id_even_a_refusal_made_before_any_handler(api: Api) -> None:
    no_token = api.client.get("/cases", headers={"X-Request-ID": "ticket-42"})
    assert (no_token.status_code, no_token.json()["code"]) == (401, "UNAUTHENTICATED")
    assert no_token.headers["X-Request-ID"] == "ticket-42"
    refused = api.post("kundulun_staff", "/cases", {**APPLICATION, "matter_kind": "tax"})
    assert refused.status_code == 422 and re.fullmatch(r"[0-9a-f]{16}", refused.headers["X-Request-ID"])


def test_the_institutions_and_districts_are_listed_and_an_unknown_one_is_refused_naming_them(api: Api) -> None:
    network = api.get("donghe_staff", "/institutions").json()
    institutions = {i["institution_id"]: i for i in network["institutions"]}
    assert institutions["baotou-qingshan"] == {
        "institution_id": "baotou-qingshan",
        "name": "青山区法律援助中心",
        "kind": "county_centre",
        "district": "qingshan",
    }
    districts = {d["district"]: d for d in network["districts"]}
    assert districts["qingshan"] == {"district": "qingshan", "name": "青山区", "centre": "baotou-qingshan"}
    assert districts["municipal"]["centre"] == "baotou-municipal"
    unknown = api.get("bureau", "/ledger", params={"institution": "baotou-nowhere"}).json()
    assert unknown["code"] == "UNKNOWN_INSTITUTION" and "baotou-qingshan" in unknown["detail"]


def test_the_document_pages_load_their_assets_from_this_server(api: Api) -> None:
    for page in ("/schema/swagger", "/schema/redoc"):
        html = api.client.get(page).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources and all(s.startswith("/schema/assets/") for s in sources), (page, sources)
        for source in sources:
            asset = api.client.get(source)
            assert asset.status_code == 200 and len(asset.content) > 100_000, source
    assert "http" not in api.client.get("/schema/swagger").text.split("<body>")[0]  # no CDN, no web font


def test_a_case_read_as_of_a_time_is_its_state_then_and_before_it_was_received_there_is_none(ledger: CaseLedger, api: Api) -> None:
    case_id = walk_whole_case(ledger)  # granted at 2026-03-03 20:00 (tests/walkthrough.py)

    then = api.get("qingshan_staff", f"/cases/{case_id}", params={"as_of": "2026-03-03T21:00:00+08:00"})
    before = api.get("qingshan_staff", f"/cases/{case_id}", params={"as_of": "2026-03-01T09:00:00+08:00"})

    assert then.status_code == 200 and (then.json()["status"], then.json()["decision"]) == ("granted", "granted")
    assert then.headers["ETag"] == f'"{WHOLE_CASE_RECORDS}"'  # the version a command would name, now
    assert (before.status_code, before.json()["code"]) == (404, "CASE_NOT_FOUND")


def test_a_time_typed_into_a_url_with_its_offset_unencoded_is_refused_with_how_to_write_the_plus(ledger: CaseLedger, api: Api) -> None:
    case_id = walk_whole_case(ledger)

    typed = api.get("qingshan_staff", f"/cases/{case_id}?as_of=2026-03-03T21:00:00+08:00")  # the + arrives as a space
    encoded = api.get("qingshan_staff", f"/cases/{case_id}?as_of=2026-03-03T21:00:00%2B08:00")

    assert (typed.status_code, typed.json()["code"]) == (422, "INVALID_REQUEST")
    assert "%2B" in typed.json()["detail"] and "as_of" in typed.json()["detail"]
    assert encoded.status_code == 200 and encoded.json()["status"] == "granted"
    spaced = api.get("qingshan_staff", "/cases?status=received%20x")  # a space in a value that is no time: no such hint
    assert spaced.status_code == 422 and "可选 (one of)" in spaced.json()["detail"] and "%2B" not in spaced.json()["detail"]
