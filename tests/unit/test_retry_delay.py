"""How long a failed job message stays hidden before its next delivery."""

from __future__ import annotations

import random

from sbemail.queue import retry_delay


def test_the_delay_doubles_per_delivery_within_its_upper_half() -> None:
    rng = random.Random(7)
    for deliveries, ceiling in ((1, 10), (2, 20), (3, 40)):
        delays = {retry_delay(deliveries, 10, 1000, rng) for _ in range(200)}
        assert min(delays) >= ceiling // 2
        assert max(delays) <= ceiling
        assert len(delays) > 3  # jittered, so a burst of failures does not return at once


def test_the_delay_never_passes_its_cap_nor_drops_below_a_second() -> None:
    rng = random.Random(3)
    assert all(retry_delay(12, 10, 150, rng) <= 150 for _ in range(100))
    assert retry_delay(1, 0.1, 150, rng) == 1
