"""The network (法律援助网络): the city's institutions and districts, which every query and command names by id."""

from __future__ import annotations

from litestar import Controller, get
from pydantic import BaseModel, Field

from api.http_security import Services
from api.openapi import READ
from domain.vocabulary import InstitutionKind


class InstitutionEntry(BaseModel):
    institution_id: str = Field(description="机构编号 e.g. baotou-kundulun")
    name: str = Field(description="机构名称 e.g. 昆都仑区法律援助中心")
    kind: InstitutionKind
    district: str = Field(description="所在区县 The district's id")


class DistrictEntry(BaseModel):
    district: str = Field(description="区县编号 e.g. kundulun")
    name: str = Field(description="区县名称 e.g. 昆都仑区")
    centre: str | None = Field(description="The district's legal aid centre (办案机关所在地法律援助机构), if it has one")


class Network(BaseModel):
    """本市法律援助网络 The institutions and districts of the city."""

    city: str
    institutions: list[InstitutionEntry]
    districts: list[DistrictEntry]


class NetworkController(Controller):
    tags = ("reads",)

    @get("/institutions", summary="机构与区县 The city's institutions and districts", responses=READ, sync_to_thread=True)
    def network(self, services: Services) -> Network:
        """Every institution of the network with its kind and district, and every district with its legal aid centre:
        the ids `institution`, `district` and the commands' fields take."""
        ledger = services.ledger
        directory = ledger.directory()
        centres = {centre.district: centre.institution_id for centre in directory.centres()}
        return Network(
            city=ledger.policy.city,
            institutions=[
                InstitutionEntry(institution_id=i.institution_id, name=i.name, kind=i.kind, district=i.district)
                for i in sorted(directory.institutions.values(), key=lambda i: i.institution_id)
            ],
            districts=[
                DistrictEntry(district=code, name=name, centre=centres.get(code)) for code, name in ledger.policy.district_names.items()
            ],
        )
