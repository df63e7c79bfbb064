"""Prometheus text-format metrics of one process (issued, status changes, request latency)."""

from __future__ import annotations

import threading
from collections import Counter

__all__ = ["Metrics"]

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Counters and one latency histogram, rendered in the Prometheus text format 0.0.4."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._issued = 0
        self._status: Counter[tuple[str, str]] = Counter()
        self._requests: Counter[tuple[str, int]] = Counter()
        self._buckets = [0] * len(_BUCKETS)
        self._count = 0
        self._sum = 0.0

    def issued(self, count: int) -> None:
        with self._lock:
            self._issued += count

    def status_changed(self, purpose: str, status: bool) -> None:
        with self._lock:
            self._status[(purpose, "set" if status else "cleared")] += 1

    def request(self, method: str, status: int, seconds: float) -> None:
        with self._lock:
            self._requests[(method, status)] += 1
            self._count += 1
            self._sum += seconds
            for n, bound in enumerate(_BUCKETS):
                if seconds <= bound:
                    self._buckets[n] += 1

    def render(self) -> str:
        """The metrics as Prometheus text."""
        with self._lock:
            lines = [
                "# HELP skillpass_credentials_issued_total Credentials issued by this process.",
                "# TYPE skillpass_credentials_issued_total counter",
                f"skillpass_credentials_issued_total {self._issued}",
                "# HELP skillpass_status_changes_total Revocations, suspensions, reinstatements.",
                "# TYPE skillpass_status_changes_total counter",
            ]
            for (purpose, change), n in sorted(self._status.items()):
                lines.append(
                    f'skillpass_status_changes_total{{purpose="{purpose}",change="{change}"}} {n}'
                )
            lines += [
                "# HELP skillpass_http_requests_total HTTP requests by method and status.",
                "# TYPE skillpass_http_requests_total counter",
            ]
            for (method, status), n in sorted(self._requests.items()):
                lines.append(
                    f'skillpass_http_requests_total{{method="{method}",status="{status}"}} {n}'
                )
            lines += [
                "# HELP skillpass_http_request_duration_seconds Request latency.",
                "# TYPE skillpass_http_request_duration_seconds histogram",
            ]
            for bound, n in zip(_BUCKETS, self._buckets, strict=True):
                lines.append(f'skillpass_http_request_duration_seconds_bucket{{le="{bound}"}} {n}')
            lines += [
                f'skillpass_http_request_duration_seconds_bucket{{le="+Inf"}} {self._count}',
                f"skillpass_http_request_duration_seconds_sum {self._sum:.6f}",
                f"skillpass_http_request_duration_seconds_count {self._count}",
            ]
        return "\n".join(lines) + "\n"
