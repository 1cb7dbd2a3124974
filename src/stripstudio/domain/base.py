"""Shared base for the domain models."""

from pydantic import BaseModel, ConfigDict


class DomainModel(BaseModel):
    """Strict pydantic model: unknown fields are errors, so a typo in a script is caught."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)
