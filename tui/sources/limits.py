"""Per-host request limits and the host circuit breaker, on an injected clock (sources.md §4).

`HostLimiter` caps requests in flight (a semaphore) and their rate (a token bucket of one token,
i.e. requests spaced at least 1/rps apart, so any one-second window holds at most `rps` of them),
plus an optional random jitter. `Breaker` stops all traffic to a host that blocked us, for a
cool-down, then lets a single probe through. Both take `monotonic` and `sleep` callables so tests
run on a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Awaitable, Callable

from tui.sources.http import HostPolicy

_QUANTUM = 0.001
"""Shortest wait: a float rounding remainder must never become a busy loop on a fake clock."""
Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    """A rate limiter holding `burst` tokens refilled at `rate` per second on an injected clock.

    Args:
        rate: Tokens per second (> 0).
        monotonic: The clock, seconds.
        sleep: Waits a number of seconds.
        burst: Bucket size; 1 spaces requests evenly (the default, the strictest reading of
            "n requests per second").
    """

    def __init__(self, rate: float, monotonic: Monotonic, sleep: Sleep, burst: float = 1.0):
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs rate > 0 and burst ≥ 1")
        self.rate = rate
        self.burst = burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = burst
        self._stamp: float | None = None

    def _refill(self) -> float:
        now = self._monotonic()
        if self._stamp is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        return now

    async def acquire(self) -> None:
        """Wait until a token is available, then take it.

        The check is repeated after each wait (never a reservation), so a waiter that wakes
        late cannot send in a burst with others.
        """
        while True:
            self._refill()
            if self._tokens >= 1:
                self._tokens -= 1
                return
            await self._sleep(max((1 - self._tokens) / self.rate, _QUANTUM))


class HostLimiter:
    """One host's in-flight cap, rate and jitter.

    Args:
        policy: The host's limits.
        monotonic: The clock, seconds.
        sleep: Waits a number of seconds.
        rng: The jitter's random source.
    """

    def __init__(
        self, policy: HostPolicy, monotonic: Monotonic, sleep: Sleep, rng: random.Random
    ) -> None:
        self.policy = policy
        self._semaphore = asyncio.Semaphore(policy.in_flight)
        self._bucket = TokenBucket(policy.rps, monotonic, sleep) if policy.rps else None
        self._sleep = sleep
        self._rng = rng
        self.in_flight = 0
        """Requests holding a slot now."""
        self.peak = 0
        """The most requests that held a slot at once."""

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one in-flight slot, paced by the jitter and the bucket; freed in `finally`."""
        async with self._semaphore:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                if self.policy.jitter:
                    await self._sleep(self._rng.uniform(0, self.policy.jitter))
                if self._bucket is not None:
                    await self._bucket.acquire()
                yield
            finally:
                self.in_flight -= 1


class Breaker:
    """A host's circuit breaker: closed, open for a cool-down, then half-open for one probe.

    Args:
        cooldown: Seconds it stays open.
        monotonic: The clock, seconds.
    """

    def __init__(self, cooldown: float, monotonic: Monotonic) -> None:
        self.cooldown = cooldown
        self._monotonic = monotonic
        self._open_until: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        """Whether traffic is refused now (open and cooling down, or a probe is running)."""
        if self._open_until is None:
            return False
        return self._monotonic() < self._open_until or self._probing

    def remaining(self) -> float:
        """Seconds until the cool-down ends (0 when closed or cooled down)."""
        if self._open_until is None:
            return 0.0
        return max(0.0, self._open_until - self._monotonic())

    def admit(self) -> bool:
        """Whether a request may go out now; after the cool-down the first caller becomes the
        single probe and the others are refused until it reports."""
        if self._open_until is None:
            return True
        if self._monotonic() < self._open_until or self._probing:
            return False
        self._probing = True
        return True

    def trip(self) -> None:
        """Open (or re-open after a failed probe) for a full cool-down."""
        self._open_until = self._monotonic() + self.cooldown
        self._probing = False

    def succeed(self) -> None:
        """The host answered without blocking us: close."""
        self._open_until = None
        self._probing = False

    def release_probe(self) -> None:
        """The probe ended without a verdict (e.g. a timeout): let the next call probe."""
        self._probing = False
