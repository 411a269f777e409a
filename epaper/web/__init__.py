"""The e-paper: page images and IIIF tiles, the article map, ALTO, a IIIF manifest and a
static viewer, all made from the layout's PageFrames and the desk's own text."""
