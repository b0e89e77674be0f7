"""Policy profiles (政策配置): each city's network and the values its rules read, one module per city (Baotou
now), chosen by configuration (TONGBAN_POLICY)."""

from __future__ import annotations

from domain.errors import DomainError
from domain.policy.baotou import BAOTOU
from domain.policy.profile import Counting, DeadlineRule, Exemption, PolicyProfile, SubsidyBand, Waiver

PROFILES = {profile.name: profile for profile in (BAOTOU,)}

__all__ = ["BAOTOU", "PROFILES", "Counting", "DeadlineRule", "Exemption", "PolicyProfile", "SubsidyBand", "Waiver", "profile"]


def profile(name: str) -> PolicyProfile:
    """The profile of that name; a name no profile has is refused with the names there are."""
    if name not in PROFILES:
        known = ", ".join(sorted(PROFILES))
        raise DomainError(
            "UNKNOWN_POLICY", f"没有名为 {name!r} 的政策配置，可选：{known} (no policy profile {name!r}; there are: {known})."
        )
    return PROFILES[name]
