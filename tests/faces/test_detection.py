"""Offline face detection on a real photo (scikit-image's astronaut) and on a drawn version of it."""

from __future__ import annotations

import pytest
from PIL import Image

from stripstudio.faces import Face, FaceDetectorUnavailable, detect_faces
from stripstudio.faces.detection import merge_overlapping

from .photos import ASTRONAUT_FACE, astronaut, centre_inside, drawn_astronaut


@pytest.mark.parametrize("detector", ["auto", "opencv"])
def test_the_astronauts_face_is_found(detector):
    faces = detect_faces(astronaut(), detector)
    assert len(faces) == 1
    assert centre_inside(ASTRONAUT_FACE, faces[0])
    assert 70 <= faces[0].width <= 130


def test_the_drawn_astronauts_face_is_found_too():
    faces = detect_faces(drawn_astronaut(), "auto")
    assert any(centre_inside(ASTRONAUT_FACE, face) for face in faces)


def test_the_anime_detector_does_not_take_a_photo_for_an_anime_face():
    assert detect_faces(astronaut(), "anime") == []


def test_boxes_are_in_the_pixels_of_the_image_given():
    big = astronaut().resize((2048, 2048))
    (face,) = detect_faces(big, "opencv")
    assert centre_inside(tuple(4 * v for v in ASTRONAUT_FACE), face)
    assert face.left + face.width <= 2048 and face.top + face.height <= 2048


def test_faces_smaller_than_min_size_are_left_out_and_the_count_is_bounded():
    assert detect_faces(astronaut(), "opencv", min_size=200) == []
    assert detect_faces(astronaut(), "opencv", limit=0) == []


def test_no_face_in_a_blank_picture():
    assert detect_faces(Image.new("RGB", (256, 256), "white")) == []


def test_overlapping_boxes_keep_the_most_confident():
    weak, strong, apart = Face(0, 0, 100, 100, 0.5), Face(10, 10, 100, 100, 0.9), Face(300, 300, 50, 50, 0.1)
    assert merge_overlapping([weak, strong, apart]) == [strong, apart]


def test_unknown_detectors_and_missing_model_files_say_what_to_do(tmp_path):
    with pytest.raises(FaceDetectorUnavailable, match="use one of auto, opencv, anime"):
        detect_faces(astronaut(), "yolo")
    with pytest.raises(FaceDetectorUnavailable, match="put the file there"):
        detect_faces(astronaut(), "face_detection_yunet_2023mar.onnx", model_dirs=[tmp_path])
    (tmp_path / "faces").mkdir()
    (tmp_path / "faces" / "broken.onnx").write_bytes(b"not a model")
    with pytest.raises(FaceDetectorUnavailable, match="not a YuNet face model"):
        detect_faces(astronaut(), "broken.onnx", model_dirs=[tmp_path])
    with pytest.raises(FaceDetectorUnavailable, match="not a path"):
        detect_faces(astronaut(), "../broken.onnx", model_dirs=[tmp_path])
