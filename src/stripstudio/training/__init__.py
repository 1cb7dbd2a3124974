"""Character LoRA training: dataset preparation (``dataset``), the peft trainer (``trainer``), kohya's
file format (``kohya_format``) and the per-epoch test grid (``test_grid``). ``spec`` holds the types they
share, so the job runner, the CLI and the studio speak of datasets, settings and progress the same way."""
