"""Text: fonts, script runs, HarfBuzz shaping, line breaking and paragraph composition."""
