"""Queries run where no network connection can be opened: federation (SERVICE) disabled by
construction, whatever the query text says.

pyoxigraph has no switch for SERVICE (0.5: no option of `Store.query` turns it off, no custom
service handler): a SERVICE clause makes the engine send an HTTP request from the process that
runs the query. A text check cannot settle it either: SPARQL has context-dependent tokens (`<`
opens an IRI or compares two numbers), so a scanner that is not the engine's own parser can be
led to read a SERVICE clause as part of an IRI. So the engine runs under a seccomp filter
(Linux) that makes the `socket` system call fail with EPERM: an attempted SERVICE fails inside
Oxigraph before any packet leaves.

- `deny_network()` filters the calling thread (and the threads and processes it starts later);
  `kg serve` calls it once in each query worker process, before it opens the store.
- `run(fn, ...)` calls `fn` on a small pool of filtered threads: the embedded store runs every
  query and update there, so `kg query` is covered too while the rest of the process (a remote
  store, a test's HTTP client) keeps its network.

Where seccomp is not available (not Linux, an unknown CPU, a kernel or container that refuses
it), `available()` is False, `run` calls `fn` directly and callers rely on the query text check
(`kg.sparql_guard`), which refuses every SERVICE keyword it can see.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import platform
import struct
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

# (AUDIT_ARCH_*, number of the `socket` system call) per machine
_ARCHES = {"x86_64": (0xC000003E, 41), "amd64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198),
           "arm64": (0xC00000B7, 198)}
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_X32_SYSCALL_BIT = 0x40000000

# the message Oxigraph gives when the filter refuses its socket (Rust: "... (os error 1)")
REFUSED_MARK = f"(os error {errno.EPERM})"


def _program() -> bytes | None:
    arch = _ARCHES.get(platform.machine().lower())
    if not sys.platform.startswith("linux") or arch is None:
        return None
    audit_arch, socket_nr = arch

    def ins(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    return b"".join([
        ins(ld_abs, 0, 0, 4),                            # A = seccomp_data.arch
        ins(jeq, 1, 0, audit_arch),                      # native calls go on
        ins(ret, 0, 0, _RET_ERRNO | errno.EPERM),        # other ABIs (int 0x80 …): refused
        ins(ld_abs, 0, 0, 0),                            # A = seccomp_data.nr
        ins(jge, 2, 0, _X32_SYSCALL_BIT),                # x32 ABI: refused
        ins(jeq, 1, 0, socket_nr),                       # socket(): refused
        ins(ret, 0, 0, _RET_ALLOW),
        ins(ret, 0, 0, _RET_ERRNO | errno.EPERM),
    ])


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def deny_network() -> bool:
    """Make `socket()` fail with EPERM in this thread and everything it starts from now on.
    False (and nothing changed) where seccomp is not available."""
    program = _program()
    if program is None:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return False
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.addressof(buffer))
    if prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    if prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        return False
    return True


_pool: ThreadPoolExecutor | None = None
_available: bool | None = None
_lock = threading.Lock()


def _init_thread(ok: list[bool]) -> None:
    ok.append(deny_network())


def _filtered_thread() -> None:
    """Pool initializer: a thread that could not be filtered breaks the pool (queries fail
    rather than run unfiltered)."""
    if not deny_network():
        raise RuntimeError("cannot install the seccomp filter on a query thread")


def available() -> bool:
    """Whether queries can run sandboxed here (tried once per process)."""
    global _available, _pool
    with _lock:
        if _available is None:
            ok: list[bool] = []
            probe = threading.Thread(target=_init_thread, args=(ok,), name="kg-sandbox-probe")
            probe.start()
            probe.join()
            _available = bool(ok and ok[0])
            if _available:
                _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kg-query",
                                           initializer=_filtered_thread)
            else:
                log.info("seccomp is not available on this system: SERVICE is refused by the "
                            "query text check only")
        return _available


def _forget_after_fork() -> None:  # a forked child has none of the pool's threads: start again
    global _pool, _available, _lock
    _pool, _available, _lock = None, None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def run(fn, /, *args, **kwargs):
    """fn(*args, **kwargs) on a thread that cannot open sockets (directly where that is not
    available)."""
    if not available() or threading.current_thread().name.startswith("kg-query"):
        return fn(*args, **kwargs)
    return _pool.submit(fn, *args, **kwargs).result()
