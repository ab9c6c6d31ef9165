"""Running one action in many threads at once, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def run_concurrently(action: Callable[[int], Any], workers: int = 20, timeout: float = 180) -> list[Any]:
    """action(i) in `workers` threads released together by a barrier, so they really collide.

    Returns each thread's result, or the exception it raised, in thread order. A thread still
    running after `timeout` seconds (a deadlock, a lost wake-up) fails the caller loudly.
    """
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[i] = action(i)
        except Exception as exc:  # collected: the caller asserts on it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    stuck = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not stuck, f"threads {stuck} did not finish within {timeout} s"
    return results
