"""Use cases shared by the CLI and the web studio: build panel requests, render comics."""
