"""What `tongban serve` keeps doing beside the requests: projections caught up, the global log integrated,
and a checkpoint signed when the log grew. Done by one process of the deployment at a time, the leader
(infrastructure/leadership.py): the others only ask, twice a second, whether they lead now."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime

from domain.actor import SHANGHAI
from infrastructure.leadership import Leadership
from infrastructure.transparency_log import TransparencyLog
from projections.registry import ReadModels

background_log = logging.getLogger("tongban.background")


def keep_current(
    models: ReadModels, transparency: TransparencyLog, stop: threading.Event, checkpoint_seconds: float, leadership: Leadership
) -> None:
    """While this process leads: projections caught up twice a second, the log integrated too, and checkpointed when it grew."""
    signed_size, last_signed, led = -1, 0.0, False
    while not stop.is_set():
        if leadership.lead() != led:
            led = leadership.leading
            background_log.info("process %d %s the background work", os.getpid(), "now leads" if led else "no longer leads")
        if led:
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
    leadership.release()
