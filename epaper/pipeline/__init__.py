"""The build as content-keyed tasks: keys, cache, runners, publishing."""
