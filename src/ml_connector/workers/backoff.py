"""Which failed flow jobs procrastinate tries again, and when: exponential backoff with jitter, capped.

A job is retried only when its failure says "later may work": the remote API was busy, rate-limited
or down (`RetriableError`), the Anaplan model was busy (`ModelBusyError`), or another run held the
flow or model lease too long (`LockTimeoutError`). Everything else (bad configuration, refused
credentials, a failed Anaplan task) needs a person, so the job fails at once and says why.

Retrying is safe: a run that failed moved no watermark and merged nothing, so the retry reads the
same records again and overwrites the same Anaplan cells (see the flows' guarantees).

    FlowBackoff(max_attempts=5, base_seconds=10, cap_seconds=900)
    # waits about 10, 20, 40, 80 s (each ±25 %), then gives up
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.jobs import Job

from ml_connector.errors import LockTimeoutError, ModelBusyError, RetriableError

RETRIABLE: tuple[type[BaseException], ...] = (RetriableError, ModelBusyError, LockTimeoutError)


@dataclass(frozen=True)
class FlowBackoff(BaseRetryStrategy):
    """Retry retriable failures up to `max_attempts` runs in all, waiting `base * 2**attempt` s ± jitter.

    `attempts` counts the runs already made (0 on the first failure). `jitter` is the fraction by
    which each wait is spread, so jobs that failed together (one outage) do not come back together.
    """

    max_attempts: int = 5
    base_seconds: float = 10.0
    cap_seconds: float = 900.0
    jitter: float = 0.25
    retriable: tuple[type[BaseException], ...] = RETRIABLE
    _random: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def wait_seconds(self, attempts: int) -> float:
        """Seconds before the next run after `attempts` earlier runs (0 based), jitter included."""
        wait = min(self.cap_seconds, self.base_seconds * 2.0**attempts)
        spread = wait * self.jitter
        return max(0.0, wait + self._random.uniform(-spread, spread))

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, self.retriable):
            return None
        # `attempts` is the number of runs before this one; this failure is run attempts + 1.
        if job.attempts + 1 >= self.max_attempts:
            return None
        return RetryDecision(retry_in={"milliseconds": round(self.wait_seconds(job.attempts) * 1000)})
