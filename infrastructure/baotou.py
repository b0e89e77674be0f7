"""The Baotou legal aid network (seed 003): the justice bureau, the municipal centre and 9 county-level centres."""

from __future__ import annotations

from domain.network import MUNICIPAL_DISTRICT, Institution
from domain.vocabulary import InstitutionKind

BUREAU_ID = "baotou-bureau"
MUNICIPAL_CENTRE_ID = "baotou-municipal"

# (district id, district name)
DISTRICTS = (
    ("kundulun", "昆都仑区"),
    ("qingshan", "青山区"),
    ("donghe", "东河区"),
    ("jiuyuan", "九原区"),
    ("shiguai", "石拐区"),
    ("baiyunebo", "白云鄂博矿区"),
    ("tumed-right", "土默特右旗"),
    ("guyang", "固阳县"),
    ("darhan-muminggan", "达尔罕茂明安联合旗"),
)
DISTRICT_NAMES = {MUNICIPAL_DISTRICT: "包头市", **dict(DISTRICTS)}


def institutions() -> list[Institution]:
    network = [
        Institution(BUREAU_ID, "包头市司法局", InstitutionKind.BUREAU, MUNICIPAL_DISTRICT),
        Institution(MUNICIPAL_CENTRE_ID, "包头市法律援助中心", InstitutionKind.MUNICIPAL_CENTRE, MUNICIPAL_DISTRICT),
    ]
    network += [
        Institution(f"baotou-{district}", f"{name}法律援助中心", InstitutionKind.COUNTY_CENTRE, district) for district, name in DISTRICTS
    ]
    return network
