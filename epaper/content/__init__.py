"""Content: an edition folder (edition.yaml, story files, photos) into an Edition."""
