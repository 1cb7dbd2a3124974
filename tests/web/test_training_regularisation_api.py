"""Regularisation images of a training dataset: photos of the class (not of the character) uploaded beside
the character's photos, checked, bounded, kept once, listed and removable one by one; preparation puts them
in the kohya folder's ``reg/`` part and the total steps double, as the trainer counts them."""

from __future__ import annotations

from stripstudio.jobs.models import Job
from stripstudio.jobs.storage import stored_name, stored_path
from stripstudio.web.studio import models
from stripstudio.web.studio.training_datasets import dataset_folder

from . import test_training_api
from .test_training_api import TINY_RUN, Api, _named, field_errors, new_dataset, photo, signed_in

ann, character = test_training_api.ann, test_training_api.character  # the same fixtures


def add_regularisation(api: Api, dataset_id: int, name: str, data: bytes, expected: int = 201) -> dict:
    response = api.client.post(
        f"/api/training-datasets/{dataset_id}/regularisation", {"regularisation": _named(name, data)}
    )
    assert response.status_code == expected, response.content[:1000]
    return response.json()


def regularisation_rows() -> int:
    return models.TrainingPhoto.objects.filter(role="regularisation").count()


def test_regularisation_images_are_listed_apart_from_photos_and_kept_once(ann, character):
    dataset = new_dataset(ann, character, 10, prepare=False)
    first = add_regularisation(ann, dataset["id"], "other man.png", photo(200))
    assert (first["role"], first["photo_count"], first["regularisation_count"]) == ("regularisation", 10, 1)
    again = add_regularisation(ann, dataset["id"], "same again.png", photo(200))
    assert again["id"] == first["id"] and again["regularisation_count"] == 1
    add_regularisation(ann, dataset["id"], "another man.png", photo(201))

    listed = ann.call("GET", f"/api/training-datasets/{dataset['id']}")
    assert (listed["photo_count"], listed["regularisation_count"], listed["regularisation_max"]) == (10, 2, 100)
    roles = [(p["role"], p["name"]) for p in listed["photos"]]
    assert roles[:10] == [("photo", f"photo {seed}.png") for seed in range(10)]
    assert roles[10:] == [("regularisation", "other man.png"), ("regularisation", "another man.png")]
    served = ann.client.get(listed["photos"][10]["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_a_bad_or_misplaced_regularisation_image_is_refused_naming_the_field(ann, character):
    dataset = new_dataset(ann, character, 10, prepare=False)
    bad = add_regularisation(ann, dataset["id"], "x.png", b"not a picture", expected=400)
    assert list(field_errors(bad)) == ["regularisation"]
    # A photo of the character is no regularisation image, and the other way round.
    character_photo = add_regularisation(ann, dataset["id"], "me again.png", photo(3), expected=400)
    assert "already a photo of the character" in field_errors(character_photo)["regularisation"]
    add_regularisation(ann, dataset["id"], "other.png", photo(300))
    misplaced = ann.upload(dataset["id"], "other.png", photo(300), expected=400)
    assert "already a regularisation image" in field_errors(misplaced)["file"]
    assert (models.TrainingPhoto.objects.filter(role="photo").count(), regularisation_rows()) == (10, 1)


def test_a_dataset_holds_at_most_its_regularisation_limit(ann, character, monkeypatch):
    monkeypatch.setattr("stripstudio.web.studio.training_datasets.REGULARISATION_MAX", 2)
    dataset = new_dataset(ann, character, 2, prepare=False)
    for seed in (200, 201):
        add_regularisation(ann, dataset["id"], f"man {seed}.png", photo(seed))
    refused = add_regularisation(ann, dataset["id"], "third.png", photo(202), expected=400)
    assert "at most 2 regularisation images" in field_errors(refused)["regularisation"]
    assert regularisation_rows() == 2
    ann.upload(dataset["id"], "a photo still fits.png", photo(5))  # the photos' own limit is apart


def test_photos_and_regularisation_images_are_removed_one_by_one(ann, character):
    dataset = new_dataset(ann, character, 11, prepare=False)
    reg = add_regularisation(ann, dataset["id"], "other man.png", photo(200))
    add_regularisation(ann, dataset["id"], "another man.png", photo(201))
    prepared = ann.call("POST", f"/api/training-datasets/{dataset['id']}/prepare")
    assert prepared["prepared"]

    after = ann.call("DELETE", f"/api/training-datasets/{dataset['id']}/photos/{reg['id']}")
    assert (after["photo_count"], after["regularisation_count"], after["prepared"]) == (11, 1, False)
    assert [p["name"] for p in after["photos"] if p["role"] == "regularisation"] == ["another man.png"]
    first_photo = after["photos"][0]
    after = ann.call("DELETE", f"/api/training-datasets/{dataset['id']}/photos/{first_photo['id']}")
    assert (after["photo_count"], after["regularisation_count"]) == (10, 1)
    ann.call("DELETE", f"/api/training-datasets/{dataset['id']}/photos/{reg['id']}", 404)
    other = new_dataset(ann, character, 1, prepare=False)
    ann.call("DELETE", f"/api/training-datasets/{other['id']}/photos/{after['photos'][0]['id']}", 404)
    assert models.TrainingPhoto.objects.filter(dataset_id=dataset["id"]).count() == 11


def test_preparation_writes_the_regularisation_images_and_the_steps_double(ann, character):
    dataset = new_dataset(ann, character, 10)
    alone = ann.call("GET", f"/api/training-datasets/{dataset['id']}/defaults")["estimate"]
    assert (alone["total_steps"], alone["regularisation_images"]) == (10 * 2 * 10, 0)

    for seed in range(3):
        add_regularisation(ann, dataset["id"], f"man {seed}.png", photo(200 + seed))
    broken = add_regularisation(ann, dataset["id"], "broken.png", photo(299))
    stored = models.TrainingPhoto.objects.get(pk=broken["id"]).file
    stored_path(stored_name(stored)).write_bytes(b"damaged on disk")  # accepted once, unusable now
    prepared = ann.call("POST", f"/api/training-datasets/{dataset['id']}/prepare")
    assert prepared["prepared"] and len(prepared["images"]) == 10
    (problem,) = prepared["problems"]
    assert problem["regularisation"] and "broken" in problem["file"]

    reg_folder = dataset_folder(models.TrainingDataset.objects.get(pk=dataset["id"])) / "reg" / "1_man"
    pictures = sorted(reg_folder.glob("*.png"))
    assert len(pictures) == 3
    assert {path.with_suffix(".txt").read_text().strip() for path in pictures} == {"photo of a man"}

    doubled = ann.call("GET", f"/api/training-datasets/{dataset['id']}/defaults")["estimate"]
    assert (doubled["total_steps"], doubled["regularisation_images"], doubled["repeats"]) == (10 * 2 * 10 * 2, 3, 2)
    run = ann.call("POST", f"/api/training-datasets/{dataset['id']}/runs", 202, json={"settings": TINY_RUN})
    assert run["total_steps"] == 10 * 2 * 2 * 2  # images x repeats x epochs x 2
    assert Job.objects.get(pk=run["job"]["id"]).payload().dataset == str(reg_folder.parent.parent)


def test_a_corrupt_upload_cut_short_is_refused_before_it_is_stored(ann, character):
    dataset = new_dataset(ann, character, 1, prepare=False)
    refused = add_regularisation(ann, dataset["id"], "half.png", photo(7)[:40], expected=400)
    assert "regularisation" in field_errors(refused)
    assert regularisation_rows() == 0


def test_regularisation_images_count_against_the_storage_quota(ann, character, settings):
    from stripstudio.web.studio.quota import storage_used

    dataset = new_dataset(ann, character, 1, prepare=False)
    used = storage_used(models.TrainingPhoto.objects.first().owner_id)
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"storage_quota_bytes": used + 10})
    refused = ann.client.post(
        f"/api/training-datasets/{dataset['id']}/regularisation", {"regularisation": _named("r.png", photo(200))}
    )
    assert refused.status_code == 413 and "storage quota" in refused.json()["detail"]
    assert regularisation_rows() == 0


def test_another_author_cannot_add_see_or_remove_regularisation_images(ann, character):
    dataset = new_dataset(ann, character, 1, prepare=False)
    reg = add_regularisation(ann, dataset["id"], "other man.png", photo(200))
    bob = signed_in("bob")
    add_regularisation(bob, dataset["id"], "bob.png", photo(50), expected=404)
    bob.call("GET", f"/api/training-datasets/{dataset['id']}/photos/{reg['id']}/file", 404)
    bob.call("DELETE", f"/api/training-datasets/{dataset['id']}/photos/{reg['id']}", 404)
    assert (
        regularisation_rows() == 1
        and ann.call("GET", f"/api/training-datasets/{dataset['id']}")["regularisation_count"] == 1
    )
