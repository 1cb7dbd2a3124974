"""Publishing a laid-out comic: webtoon upload slices, a tall PNG, PDF, and CBZ with ComicInfo.xml.

Every writer is all or nothing: files are written under temporary names and moved into place once
complete. Depends on the domain, layout, Pillow and NumPy; PDFs are written by our own page-by-page writer.
"""

from stripstudio.export.cbz import cbz_bytes, page_names, write_cbz
from stripstudio.export.encoding import EncodedImage, PageFile, jpeg_image, page_file, page_images, png_image
from stripstudio.export.episode import EpisodeExport, ExportOptions, export_episode
from stripstudio.export.errors import ExportError, ExportWarning
from stripstudio.export.inputs import load_panel_art
from stripstudio.export.metadata import Manga, comic_info_xml, document_info
from stripstudio.export.pdf import pdf_bytes, write_pdf
from stripstudio.export.pdf_writer import DocumentInfo
from stripstudio.export.png_slices import (
    Slice,
    SliceOptions,
    WebtoonSlices,
    slice_strip,
    stage_slices,
    strip_png,
    write_webtoon_slices,
)
from stripstudio.export.slicing import plan_slices, scale_strip
from stripstudio.export.staging import Staging, staged

__all__ = [
    "DocumentInfo",
    "EncodedImage",
    "EpisodeExport",
    "ExportError",
    "ExportOptions",
    "ExportWarning",
    "Manga",
    "PageFile",
    "Slice",
    "SliceOptions",
    "Staging",
    "WebtoonSlices",
    "cbz_bytes",
    "comic_info_xml",
    "document_info",
    "export_episode",
    "jpeg_image",
    "load_panel_art",
    "page_file",
    "page_images",
    "page_names",
    "pdf_bytes",
    "plan_slices",
    "png_image",
    "scale_strip",
    "slice_strip",
    "stage_slices",
    "staged",
    "strip_png",
    "write_cbz",
    "write_pdf",
    "write_webtoon_slices",
]
