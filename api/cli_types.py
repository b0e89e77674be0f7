"""Command-line parameter types shared by the commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from domain.actor import SHANGHAI


class ShanghaiTime(click.ParamType[datetime]):
    """A time as people write it: ISO-8601, a date alone or with a time, with an offset (+08:00, Z) or
    without one (then Asia/Shanghai). Always returned with its offset, in Asia/Shanghai."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} 不是时间 (not a time: write 2026-03-02, 2026-03-02T09:00 or 2026-03-02T09:00:00+08:00)", param, ctx)
        try:
            return parsed.replace(tzinfo=SHANGHAI) if parsed.tzinfo is None else parsed.astimezone(SHANGHAI)
        except OverflowError:
            self.fail(f"{value!r} 超出可处理的时间范围 (outside the times the ledger can reason about)", param, ctx)
