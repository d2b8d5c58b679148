"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106).

argon2 is slow and memory-hard on purpose (about 64 MB and tens to hundreds of milliseconds of
CPU per hash, over several threads). Run on the event loop it would stop every other
request; run on the default thread pool, a burst of sign-ins takes every core from the
requests around it (4 writers fell from 96 to 20 writes/s beside 6 signing-in clients on 2
cores, bench/signin_load.py). So hashes run on a pool of their own: at most CHECK_THREADS at
once per process (a burst queues and costs bounded memory), on threads with a lower CPU
priority (Linux), so that other requests are served first and sign-ins take the idle time."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the account does not exist, so that the answer takes as long.
_DUMMY_HASH = _hasher.hash("an unguessable placeholder password")

MIN_LENGTH = 12
CHECK_THREADS = 2  # password hashes or checks running at once in one process
NICENESS = 10  # how much lower than the request threads they run (Linux)


def _lower_priority() -> None:
    """On Linux a nice value is per thread, and the threads argon2 starts inherit it."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):  # not permitted here: run at normal priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


_pool = ThreadPoolExecutor(
    max_workers=CHECK_THREADS, thread_name_prefix="argon2", initializer=_lower_priority
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hashed(password: str) -> str:
    """hash_password on the password pool (see the module's docstring)."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verified(password_hash: str | None, password: str) -> bool:
    """verify_password on the password pool (see the module's docstring)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, verify_password, password_hash, password)
