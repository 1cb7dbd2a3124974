"""The ComfyUI engine: panel requests as API-format workflows sent to one or several ComfyUI servers."""
