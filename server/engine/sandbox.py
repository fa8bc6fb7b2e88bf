"""Confining an engine process: no network unless it needs one, bounded memory, first to go on OOM,
gone with its supervisor.

Oxigraph runs SERVICE calls itself, so a query that slipped past the SERVICE check
(server/service_policy.py) could make the engine call any URL. An engine that has no business on the
network cannot open an Internet socket at all: a seccomp filter makes ``socket(AF_INET | AF_INET6 |
AF_NETLINK | AF_PACKET, ...)`` fail with EACCES (Unix sockets, how the engine talks to the web
workers, stay allowed), and ``io_uring`` (which would bypass the filter) is refused. When the
supervisor may create a network namespace (root), its engines also live in one with no interface up.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import resource
import signal
import socket

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_BLOCKED_FAMILIES = (socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK, socket.AF_PACKET)


def new_network_namespace() -> bool:
    """Move this process (and the engines it will fork) into a network namespace of its own, with no
    interface up; False where that is not allowed (an unprivileged user)."""
    if _libc.unshare(_CLONE_NEWNET) != 0:
        log.info(
            "no network namespace for the engines (%s): the seccomp filter alone keeps them off the network",
            os.strerror(ctypes.get_errno()),
        )
        return False
    return True


def network_filter() -> object | None:
    """The seccomp filter that refuses Internet (and netlink, packet) sockets, built but not loaded; None
    where seccomp cannot be used here (no libseccomp), which the supervisor reports once."""
    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(seccomp.ALLOW)
    except (ImportError, OSError, RuntimeError) as exc:
        log.error("the engines cannot be kept off the network by seccomp (%s): install libseccomp2", exc)
        return None
    for family in _BLOCKED_FAMILIES:
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family))
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socketpair", seccomp.Arg(0, seccomp.EQ, family))
    for call in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), call)
    return rules


def confine(network: bool, memory_bytes: int | None, rules: object | None) -> None:
    """Everything an engine process does to itself right after it is forked."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the supervisor
    if os.getppid() == 1:  # the supervisor died before the line above took effect
        os._exit(1)
    try:  # under memory pressure the kernel ends an engine (one query) before anything else
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
    except OSError:
        pass
    if memory_bytes:
        # Address space: what the process has mapped at fork (the shared store included) plus the budget.
        # A query that needs more fails its allocation: Oxigraph aborts, and the query gets a 400.
        with open("/proc/self/statm") as handle:
            mapped = int(handle.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + memory_bytes, mapped + memory_bytes))
    if not network and rules is not None:
        rules.load()  # type: ignore[attr-defined] - sets no_new_privs first: no privilege is needed
