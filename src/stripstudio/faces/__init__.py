"""Finding faces in pictures, offline: photos, drawings and anime-style art."""

from stripstudio.faces.detection import (
    DETECTORS,
    Face,
    FaceDetectorUnavailable,
    detect_faces,
)

__all__ = ["DETECTORS", "Face", "FaceDetectorUnavailable", "detect_faces"]
