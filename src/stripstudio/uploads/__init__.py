"""Checking what people upload: pictures and model files, before anything else touches them.

Nothing here imports Django, so the checks run the same in a view, a worker, the command line
or a test.

* :func:`clean_image` (``images``) takes the bytes of an uploaded picture and returns a
  re-encoded copy (PNG, JPEG or WebP only, decided by decoding with Pillow, never by the file
  name or the content type the browser sent), with every piece of metadata removed: EXIF (GPS
  position, camera serial), text chunks, ICC profile, XMP. :func:`decode_image` applies the same
  checks and returns the decoded, oriented pixels instead, for code that processes them further.
* :func:`clean_model_file` (``model_files``) takes an uploaded model or LoRA and accepts only
  ``.safetensors`` files whose header is sound; pickle-based checkpoints are refused because
  loading one can run arbitrary code.
* :func:`safe_filename` (``names``) turns a client-supplied file name into something fit to
  *show*. Files are stored under content-addressed names (their SHA-256), never under this name.
* :class:`UploadLimits` (``limits``) holds the size limits, :func:`limit_for` the byte limit
  that applies to an upload by its file name while it is still arriving.

Every refusal is an :class:`UploadRejected` naming the form field and saying how to fix it.
"""

from stripstudio.uploads.images import CleanImage, clean_image, decode_image
from stripstudio.uploads.limits import DEFAULT_LIMITS, UploadLimits, UploadRejected
from stripstudio.uploads.model_files import CleanModelFile, clean_model_file
from stripstudio.uploads.names import safe_filename

__all__ = [
    "DEFAULT_LIMITS",
    "CleanImage",
    "CleanModelFile",
    "UploadLimits",
    "UploadRejected",
    "clean_image",
    "clean_model_file",
    "decode_image",
    "safe_filename",
]
