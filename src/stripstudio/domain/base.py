"""Shared base for the domain models, and the length limits of their text fields."""

from pydantic import BaseModel, ConfigDict

# Upper bounds on text (in characters) and lists, so that no script or request can grow a comic
# without limit. Prompt texts may be bounded further by a quota.
NAME_MAX = 100
TITLE_MAX = 200
PATH_MAX = 1000
PROMPT_MAX = 4000
TEXT_MAX = 10_000  # any other text field


class DomainModel(BaseModel):
    """Strict pydantic model: unknown fields are errors, so a typo in a script is caught."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, str_strip_whitespace=True, str_max_length=TEXT_MAX
    )
