"""stripstudio: turn a written story into a consistent, lettered comic with Stable Diffusion XL."""

__version__ = "0.1.0"
