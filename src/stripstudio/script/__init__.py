"""The comic script: one YAML file describing a whole comic, read and written with exact error places.

``load_comic`` reads a script into a ``Comic`` or raises ``ScriptError`` listing every problem with
its file, line and field; ``save_comic`` and ``dump_comic`` write the canonical form back.
The format is described in docs/script-format.md.
"""

from stripstudio.script.errors import ScriptError, ScriptProblem
from stripstudio.script.loader import load_comic, load_comic_text
from stripstudio.script.writer import dump_comic, save_comic

__all__ = ["ScriptError", "ScriptProblem", "dump_comic", "load_comic", "load_comic_text", "save_comic"]
