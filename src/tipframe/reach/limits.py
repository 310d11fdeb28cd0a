"""The memory a run may use: the machine's, the process's address-space limit and its cgroup's, less what is in use.

And the errors of a run refused before it starts (``tipframe.reach.resources`` estimates what a
run needs and checks it against these).
"""

from __future__ import annotations

import os

__all__ = ["MemoryLimitError", "ResourceLimitError", "TimeLimitError", "default_memory_limit"]


class ResourceLimitError(ValueError):
    """A run refused before it starts: it would need more memory, or take longer, than its limit."""


class MemoryLimitError(ResourceLimitError):
    """A run whose estimated memory exceeds its limit; raised before it starts."""


class TimeLimitError(ResourceLimitError):
    """A run whose estimated time exceeds its limit; raised before it starts."""


def _status(key: str) -> int:
    """A figure (``VmRSS``, ``VmSize``) of this process from /proc/self/status, in bytes; 0 where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as file:
            return file.read().strip()
    except (OSError, ValueError):
        return None


def _cgroup_room() -> int | None:
    """Bytes this process's cgroup may still take: its memory limit less its usage (reclaimable page cache
    aside); None where it has no limit or none can be read (cgroup v2 ``memory.max``, v1 ``limit_in_bytes``)."""
    own = (_read("/proc/self/cgroup") or "").splitlines()
    paths = [line.split(":", 2)[2] for line in own if line.startswith("0::")]
    try:
        for folder in [f"/sys/fs/cgroup{path.rstrip('/')}" for path in paths] + ["/sys/fs/cgroup"]:
            limit = _read(f"{folder}/memory.max")
            if limit is None or limit == "max":
                continue
            used = int(_read(f"{folder}/memory.current") or 0)
            stat = dict(line.split(maxsplit=1) for line in (_read(f"{folder}/memory.stat") or "").splitlines())
            return int(limit) - used + int(stat.get("inactive_file", 0))
        limit = _read("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        if limit is not None and int(limit) < 2**60:  # v1 writes a huge number for no limit
            return int(limit) - int(_read("/sys/fs/cgroup/memory/memory.usage_in_bytes") or 0)
    except ValueError:  # a file not as the kernel writes it: no limit known
        return None
    return None


def _address_room() -> int | None:
    """Bytes of address space this process may still map under its RLIMIT_AS; None without one."""
    try:
        import resource  # not on Windows
    except ImportError:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else int(soft) - _status("VmSize")


def default_memory_limit() -> int:
    """The memory a run may add to this process, in bytes: the smallest of half the machine's physical
    memory, the process's address-space limit (``RLIMIT_AS``) and its cgroup's memory limit, each less
    what is already used (this process's resident memory, its address space, the cgroup's usage).

    Returns
    -------
    int
        At least 0; 8 GiB less this process's memory where the machine's memory cannot be read.
    """
    try:
        machine = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        machine = 16 * 2**30
    rooms = [machine // 2 - _status("VmRSS")]
    rooms += [room for room in (_address_room(), _cgroup_room()) if room is not None]
    return max(0, min(rooms))
