"""Act on the list: the activity register, targets and indicators, alignment of effort with
the list, and a proposed plan (docs/plan.md).

    service.import_register(store, home, path)      replace a register from a file
    service.import_targets(store, home, path)       replace the targets from a file
    register.add_activity / edit_activity / delete_activity   one activity, version-checked
    lists.resolve(store, home, 'computed' | NAME)   a list version to compare effort with
    service.dashboard(store, home, list_version)    targets with computed status
    service.alignment(store, home, list_version, period)   does effort follow the list?
    service.proposal(store, home, list_version, ProposalOptions(...))   a proposed plan

Store tables (user data, all named plan_*): plan_activity, plan_target, plan_instrument,
plan_import. Heavy modules load on first use; `vocab` needs nothing but the standard library.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_MODULES = ("activities", "alignment", "apportion", "effort", "indicators", "lists",
            "propose", "register", "report", "service", "status", "targets", "vocab")

__all__ = list(_MODULES)


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return import_module(f"marketscout.plan.{name}")
    raise AttributeError(f"module 'marketscout.plan' has no attribute {name!r}")
