"""The dashboards' kernels: none is left behind, and no dashboard can open without bound.

Every page of a dashboard runs in its own kernel (about 80 MB). A page closed cleanly asks Voila to shut its kernel
down; a page that goes without a word (a crashed browser, a laptop put to sleep, a script that fetched the page and
never connected) leaves its kernel running, and a dashboard that updates itself (the run sheet's clock, the live
session's answers) never looks idle to jupyter_server's idle culler. Two rules here:

- :class:`DashboardKernelManager` shuts down a kernel that has had no page connected for ``orphan_timeout`` seconds
  (default two minutes), besides jupyter_server's own culling of kernels idle for ``cull_idle_timeout``; Voila's
  preheated kernels waiting in their pool are never culled.
- :class:`PageLimit` counts the kernels each dashboard has alive and refuses a page beyond ``max_pages`` with a page
  that says why and what to do.

``ttt present`` configures both (``serve.voila_command``).
"""

from __future__ import annotations

import html
import re
import time

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Integer

__all__ = ["DashboardKernelManager", "PageLimit", "TOO_MANY_PAGES"]


class DashboardKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, which also shuts down kernels that no page is connected to."""

    orphan_timeout = Integer(120, help="seconds a kernel may live with no page connected to it (a page "
                             "closed without shutting its kernel down); 0 keeps them").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._alone_since: dict[str, float] = {}

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        self._alone_since.pop(kernel_id, None)

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        if self._kernel_connections.get(kernel_id, 0) <= 0:
            self._alone_since[kernel_id] = time.monotonic()

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._alone_since.pop(kernel_id, None)
        return await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))

    def _pool_filling(self) -> bool:
        """Whether Voila is starting a preheated kernel now (its id is not known until it is ready)."""
        return any(not future.done() for pool in getattr(self, "_pools", {}).values() for future in pool)

    async def cull_kernel_if_idle(self, kernel_id):
        # Voila's preheating manager (a subclass) has already returned for kernels waiting in its pool
        if self.orphan_timeout > 0 and kernel_id in self._kernels and not self._kernel_connections.get(kernel_id, 0):
            now = time.monotonic()
            since = self._alone_since.setdefault(kernel_id, now)  # first seen alone: the clock starts now
            if now - since > self.orphan_timeout and not self._pool_filling():
                self.log.warning("Shutting down kernel %s: no page has been connected to it for %d s (its page was "
                                 "closed without a word).", kernel_id, now - since)
                await self.shutdown_kernel(kernel_id)
                return
        return await ensure_async(super().cull_kernel_if_idle(kernel_id))


#: the reply when a dashboard already has its share of kernels
TOO_MANY_PAGES = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many open pages</title>"
                  "</head><body style=\"font-family:system-ui,sans-serif;font-size:1.3em;max-width:40em;margin:2em auto\">"
                  "<h1>Too many open pages of this dashboard</h1><p>{name} is already open in {count} pages (the "
                  "limit is {limit}). Close one of them, then reload this page.</p><p>A page closed without warning "
                  "(a browser that crashed, a laptop that went to sleep) is freed on its own within {free} seconds."
                  "</p></body></html>")

_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


class PageLimit:
    """How many kernels each dashboard has alive; a render beyond ``limit`` is refused.

    A page's kernel is known from the page itself (the kit's template writes its id into the page's configuration);
    renders still in progress count too, so that many requests at once cannot slip past the limit.
    """

    def __init__(self, limit: int, kernel_ids, free_after: int = 120) -> None:
        self.limit = limit
        self.free_after = free_after  # seconds after which a page closed without a word frees its kernel
        self._alive = kernel_ids  # () -> the ids of the kernels running now
        self._owner: dict[str, str] = {}  # kernel id -> dashboard
        self._rendering: dict[str, int] = {}

    def open_pages(self, name: str) -> int:
        alive = set(self._alive())
        for kernel_id in [k for k in self._owner if k not in alive]:
            del self._owner[kernel_id]
        return sum(1 for owner in self._owner.values() if owner == name) + self._rendering.get(name, 0)

    def begin(self, name: str) -> bool:
        """Start a render of ``name``; False when the dashboard already has ``limit`` pages."""
        if self.limit > 0 and self.open_pages(name) >= self.limit:
            return False
        self._rendering[name] = self._rendering.get(name, 0) + 1
        return True

    def seen(self, name: str, chunk) -> None:
        """A piece of the page being sent: note the kernel id it names."""
        text = chunk.decode("utf-8", "replace") if isinstance(chunk, bytes) else str(chunk)
        match = _KERNEL_ID.search(text)
        if match:
            self._owner[match.group(1)] = name

    def end(self, name: str) -> None:
        self._rendering[name] = max(0, self._rendering.get(name, 0) - 1)

    def refusal(self, name: str) -> str:
        return TOO_MANY_PAGES.format(name=html.escape(name), count=self.open_pages(name), limit=self.limit,
                                     free=self.free_after)
