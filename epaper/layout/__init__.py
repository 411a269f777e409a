"""Layout: an Edition and its TemplateSet into PageFrames and a LayoutLog; no drawing."""
