"""Ids of the built-in tiny random-weight models (kept apart from ``tiny`` so naming them needs no torch)."""

TINY_MODEL_ID = "tiny-random-sdxl"
TINY_T2I_ADAPTER_ID = "tiny-random-t2i-adapter"
TINY_CONTROLNET_ID = "tiny-random-controlnet"
TINY_IP_ADAPTER_ID = "tiny-random-ip-adapter"
TINY_IP_ADAPTER_FACE_ID = "tiny-random-ip-adapter-face"
TINY_IMAGE_ENCODER_ID = "tiny-random-image-encoder"
TINY_SD15_ID = "tiny-random-sd15"
