"""/object_info entries of the Impact Pack nodes the face-detail workflow uses (from their source).

Not part of core ComfyUI, so not in the recorded object_info; tests merge these in to stand for a
server that has ComfyUI-Impact-Pack and ComfyUI-Impact-Subpack installed.
"""

from __future__ import annotations

SAMPLERS_FROM = "KSampler"


def impact_pack_nodes(object_info: dict) -> dict:
    """FaceDetailer, UltralyticsDetectorProvider and SAMLoader, with the server's sampler lists."""
    ksampler = object_info[SAMPLERS_FROM]["input"]["required"]
    samplers, schedulers = ksampler["sampler_name"], ksampler["scheduler"]
    schedulers = [[*schedulers[0], "AYS SDXL", "AYS SD1", "AYS SVD", "GITS[coeff=1.2]"], *schedulers[1:]]
    return {
        "FaceDetailer": {
            "input": {
                "required": {
                    "image": ["IMAGE"],
                    "model": ["MODEL"],
                    "clip": ["CLIP"],
                    "vae": ["VAE"],
                    "guide_size": ["FLOAT", {"default": 512, "min": 64, "max": 16384, "step": 8}],
                    "guide_size_for": ["BOOLEAN", {"default": True}],
                    "max_size": ["FLOAT", {"default": 1024, "min": 64, "max": 16384, "step": 8}],
                    "seed": ["INT", {"default": 0, "min": 0, "max": 2**64 - 1}],
                    "steps": ["INT", {"default": 20, "min": 1, "max": 10000}],
                    "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0}],
                    "sampler_name": samplers,
                    "scheduler": schedulers,
                    "positive": ["CONDITIONING"],
                    "negative": ["CONDITIONING"],
                    "denoise": ["FLOAT", {"default": 0.5, "min": 0.0001, "max": 1.0, "step": 0.01}],
                    "feather": ["INT", {"default": 5, "min": 0, "max": 100}],
                    "noise_mask": ["BOOLEAN", {"default": True}],
                    "force_inpaint": ["BOOLEAN", {"default": True}],
                    "bbox_threshold": ["FLOAT", {"default": 0.5, "min": 0.0, "max": 1.0}],
                    "bbox_dilation": ["INT", {"default": 10, "min": -512, "max": 512}],
                    "bbox_crop_factor": ["FLOAT", {"default": 3.0, "min": 1.0, "max": 10}],
                    "sam_detection_hint": [
                        [
                            "center-1",
                            "horizontal-2",
                            "vertical-2",
                            "rect-4",
                            "diamond-4",
                            "mask-area",
                            "mask-points",
                            "mask-point-bbox",
                            "none",
                        ]
                    ],
                    "sam_dilation": ["INT", {"default": 0, "min": -512, "max": 512}],
                    "sam_threshold": ["FLOAT", {"default": 0.93, "min": 0.0, "max": 1.0}],
                    "sam_bbox_expansion": ["INT", {"default": 0, "min": 0, "max": 1000}],
                    "sam_mask_hint_threshold": ["FLOAT", {"default": 0.7, "min": 0.0, "max": 1.0}],
                    "sam_mask_hint_use_negative": [["False", "Small", "Outter"]],
                    "drop_size": ["INT", {"default": 10, "min": 1, "max": 16384}],
                    "bbox_detector": ["BBOX_DETECTOR"],
                    "wildcard": ["STRING", {"multiline": True}],
                    "cycle": ["INT", {"default": 1, "min": 1, "max": 10}],
                },
                "optional": {
                    "sam_model_opt": ["SAM_MODEL"],
                    "segm_detector_opt": ["SEGM_DETECTOR"],
                    "detailer_hook": ["DETAILER_HOOK"],
                    "inpaint_model": ["BOOLEAN", {"default": False}],
                    "noise_mask_feather": ["INT", {"default": 20, "min": 0, "max": 100}],
                },
            },
            "output": ["IMAGE", "IMAGE", "IMAGE", "MASK", "DETAILER_PIPE", "IMAGE"],
        },
        "UltralyticsDetectorProvider": {
            "input": {"required": {"model_name": [["bbox/face_yolov8m.pt", "segm/person_yolov8m-seg.pt"]]}},
            "output": ["BBOX_DETECTOR", "SEGM_DETECTOR"],
        },
        "SAMLoader": {
            "input": {
                "required": {"model_name": [["sam_vit_b_01ec64.pth"]], "device_mode": [["AUTO", "Prefer GPU", "CPU"]]}
            },
            "output": ["SAM_MODEL"],
        },
    }
