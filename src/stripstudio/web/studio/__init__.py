"""Comics, characters, panels, bubbles, assets, jobs, generated images and exports of each author."""
