"""Every place the local run reaches into moto's internals, fenced in one package.

The local run needs moto to do what AWS does in a few places it does not, and to
run on a simulated clock. Those patches name moto's private classes and modules,
which may change in any release, so they are written against one moto version
(``TESTED_MOTO_VERSION``, the pin in requirements-dev.txt) and the local run
refuses another version with a clear error instead of failing somewhere deep:

- ``timewarp``: the simulated clock (Wait states, Retry backoff, botocore's retry
  sleep, EnteredTime and event timestamps, executions run inline).
- ``engine``: the SDK integrations' casing, a faster ASL engine (cached parses and
  clients), execution histories read from the backend.
- ``targets``: the moto objects the local run routes through -- ``lambda:invoke``
  to the real handlers (``localrun.lambdas``), botocore requests to the service
  double (``localrun.services.double``), ``PutEvents`` through the fault tap
  (``localrun.events``).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

TESTED_MOTO_VERSION = "5.2.5"


class MotoVersionError(RuntimeError):
    """The installed moto is not the version the local run's patches were written for."""


def check_moto_version() -> None:
    try:
        installed = version("moto")
    except PackageNotFoundError:
        raise MotoVersionError(
            f"moto is not installed: the local run needs moto=={TESTED_MOTO_VERSION} (make setup)"
        ) from None
    if installed != TESTED_MOTO_VERSION:
        raise MotoVersionError(
            f"the local run patches moto {TESTED_MOTO_VERSION}'s internals (localrun/moto_patches/), but moto "
            f"{installed} is installed: install moto=={TESTED_MOTO_VERSION} (requirements-dev.txt), or check "
            "every patch in localrun/moto_patches/ against the new version and move TESTED_MOTO_VERSION with it"
        )
