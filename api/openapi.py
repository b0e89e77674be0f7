"""What the API document (/schema) says beyond the handlers' signatures: the problem body of every refusal and
the statuses each kind of operation answers with, the headers of optimistic concurrency and idempotency, and
the document's pages, served from local assets (no CDN: an office network may have no internet).

The statuses are declared per kind of operation (READ, READ_ONE, COMMAND, ...); tests/integration/
test_api_fuzz.py checks with Schemathesis that no operation answers a status or a body the document does not
declare, and tests/integration/test_generated_client.py walks a case with a client generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.datastructures import ResponseHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin, RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
    SecurityScheme,
)
from litestar.params import HeaderParameter
from pydantic import BaseModel, Field

from api.problems import CODES_BY_STATUS, FRAMEWORK_CODES, PROBLEM

SCHEMA = "/schema"
ASSETS = f"{SCHEMA}/assets"  # vendored Swagger UI and ReDoc (api/web/static/vendor, scripts/vendor_assets.sh)


class FieldProblem(BaseModel):
    field: str = Field(description="字段 The field or parameter that is not valid")
    message: str = Field(description="原因 Why")


class Problem(BaseModel):
    """问题详情 A refusal (RFC 9457): nothing was recorded. `code` is stable; `detail` says why in Chinese and English."""

    type: str = Field(description="The problem type's URI, from the code")
    title: str = Field(description="The status in words")
    status: int = Field(description="The HTTP status, as answered")
    code: str = Field(
        description="稳定代码 The refusal's stable code; by status: "
        + "; ".join(f"{status}: {', '.join(codes + FRAMEWORK_CODES.get(status, ()))}" for status, codes in CODES_BY_STATUS.items())
    )
    detail: str = Field(description="原因 Why, in Chinese and English")
    errors: list[FieldProblem] | None = Field(default=None, description="Each field that is not valid (INVALID_REQUEST)")
    request_id: str | None = Field(default=None, description="请求编号 The server log's id of the request (INTERNAL_ERROR)")


_MEANING = {
    400: "请求无法读取 The request cannot be read (a control character, a body that is not JSON, a bad If-Match)",
    401: "未认证 No valid bearer token",
    403: "无权 Not this principal's to do or see",
    404: "不存在 No such case, lawyer, complaint or register",
    409: "冲突 The case changed while the command was recorded: read it again and retry",
    412: "前提失败 If-Match named a version the case is no longer at",
    413: "过大 The body is over 1 MB",
    415: "类型不符 The body is not application/json",
    422: "拒绝 Refused by a rule, or a value that is not valid (the problem's code says which)",
    503: "暂不可用 The server's database, keys or log need an operator",
}


def refusals(*statuses: int) -> dict[int, ResponseSpec]:
    """The problem answers an operation can give, by status."""
    return {status: ResponseSpec(Problem, description=_MEANING[status], media_type=PROBLEM, generate_examples=False) for status in statuses}


_ANY = (400, 401, 422, 503)  # every authenticated request: a control character, no token, a value not valid, no database
READ = refusals(*_ANY, 403)
READ_ONE = refusals(*_ANY, 403, 404)
CREATE = refusals(*_ANY, 403, 409, 413, 415)
COMMAND = refusals(*_ANY, 403, 404, 409, 412, 413, 415)  # on a case: If-Match may fail
KEYED = refusals(*_ANY, 403, 404, 409, 413, 415)  # on a lawyer, complaint, register or roster named in the path
PUBLIC = refusals(400, 503)

ETAG = ResponseHeader(name="ETag", description='案件版本 The case\'s version, e.g. "7": send it back as If-Match', documentation_only=True)
REPLAYED = ResponseHeader(
    name="Idempotent-Replayed",
    description="true when this is the stored answer to an earlier try with the same Idempotency-Key",
    documentation_only=True,
    required=False,
)
LOCATION = ResponseHeader(name="Location", description="新建对象的地址 Where the created thing is read", documentation_only=True)
REQUEST_ID = ResponseHeader(
    name="X-Request-ID",
    description="请求编号 The request's id in the server log (the client's own when it sent a sane one)",
    documentation_only=True,
)


IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description='期望版本 The case version the command was decided on, e.g. "7" (the ETag); 412 when the case has moved on',
    ),
]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        description="幂等键 1 to 255 printable ASCII characters of the client's choosing: a retry with it gets the first answer "
        "and records nothing more; the key reused for another request is refused",
    ),
]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ReportOperation(Operation):
    """A report answers JSON, or with `format=csv` or `format=xlsx` a spreadsheet: the document names all three."""

    def __post_init__(self) -> None:
        ok = self.responses["200"] if self.responses else None
        if isinstance(ok, OpenAPIResponse) and ok.content is not None:
            ok.content["text/csv"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, description="UTF-8 with a BOM"))
            ok.content[XLSX] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY))


@dataclass
class StatementOperation(ReportOperation):
    """The reconciliation reads a payout statement sent as the CSV body."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.request_body = RequestBody(
            required=True,
            description="对账单 The statement as CSV: date, reference, payee, amount (yuan); headed in English or in Chinese "
            "(日期, 凭证号, 收款人, 金额)",
            content={"text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
        )


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="tongban",
        description="通办 — signed case ledger of city-wide legal aid (法律援助“市域通办”). Refusals are RFC 9457 problem "
        "details with a stable `code` and a reason in Chinese and English.",
        version="0.1.0",
        path=SCHEMA,
        components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
        security=[{"bearer": []}],
        render_plugins=[
            SwaggerRenderPlugin(
                js_url=f"{ASSETS}/swagger-ui-bundle.js",
                css_url=f"{ASSETS}/swagger-ui.css",
                standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
                path="/swagger",
                favicon="",
            ),
            RedocRenderPlugin(js_url=f"{ASSETS}/redoc.standalone.js", google_fonts=False, path="/redoc", favicon=""),
            JsonRenderPlugin(),
        ],
    )
