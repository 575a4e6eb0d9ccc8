"""A short run of the loopback load test: no 5xx for valid requests, every bad one refused with a 4xx."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_serve_under_mixed_concurrent_load() -> None:
    from scripts.load_test import main

    assert main(["--requests", "18", "--concurrency", "6"]) == 0
