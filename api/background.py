"""What `tongban serve` keeps doing beside the requests: projections caught up, the global log integrated,
and a checkpoint signed when the log grew."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from domain.actor import SHANGHAI
from infrastructure.transparency_log import TransparencyLog
from projections.registry import ReadModels

background_log = logging.getLogger("tongban.background")


def keep_current(models: ReadModels, transparency: TransparencyLog, stop: threading.Event, checkpoint_seconds: float) -> None:
    """Projections caught up twice a second; the log integrated too, and checkpointed when it grew."""
    signed_size, last_signed = -1, 0.0
    while not stop.is_set():
        for name, runner in models.runners.items():
            try:
                runner.catch_up()
            except Exception:  # a failed batch is retried on the next round; nothing is lost
                background_log.exception("catching up the %s projection failed; retrying in 0.5 s", name)
        try:
            transparency.integrate()
            if (
                transparency.signer is not None
                and time.monotonic() - last_signed >= checkpoint_seconds
                and transparency.size() != signed_size
            ):
                transparency.checkpoint(datetime.now(SHANGHAI))
                signed_size, last_signed = transparency.size(), time.monotonic()
        except Exception:  # the next round integrates what this one could not
            background_log.exception("integrating or checkpointing the global log failed; retrying in 0.5 s")
        stop.wait(0.5)
