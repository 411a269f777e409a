"""IIIF Presentation 3: the edition as a Manifest (web/manifest.json) and an archive of
editions as a Collection, following the IIIF cookbook's newspaper recipe (0068).

One Canvas per page, painted with the page's level-0 image service, its ALTO linked by
`seeAlso` and its PDF by `rendering`; one Range per article over the regions it covers
(`canvas#xywh=…`), so a story that jumps is one Range over two canvases. Built from the
article map (web/edition.json), the same data the viewer reads.
"""

from __future__ import annotations

from typing import Any

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
ALTO_PROFILE = "http://www.loc.gov/standards/alto/ns-v4#"
TIMEZONE = "+06:00"  # Bangladesh Standard Time: an edition is the morning of its date


def _label(text: str, lang: str) -> dict[str, list[str]]:
    return {lang if lang in ("bn", "en") else "none": [text]}


def title(edmap: dict[str, Any]) -> dict[str, list[str]]:
    """The issue's label in both languages: "দৈনিক সমাচার, সোমবার, ৭ ডিসেম্বর ২০২৬"."""
    paper, d = edmap["paper"], edmap["dateline"]
    label: dict[str, list[str]] = {}
    if paper.get("name"):
        label["bn"] = [f"{paper['name']}, {d['weekday']}, {d['gregorian']}"]
    label["en"] = [f"{paper.get('name_en') or paper.get('name', '')} {edmap['date']}".strip()]
    return label


def nav_date(edmap: dict[str, Any]) -> str:
    return f"{edmap['date']}T00:00:00{TIMEZONE}"


def manifest(edmap: dict[str, Any], base: str) -> dict[str, Any]:
    """The issue's Manifest; every id is `base` (where the web folder is published) plus
    the file's path, so the folder can be read where it lies."""
    canvases = [_canvas(p, base) for p in edmap["pages"]]
    sizes = {p["number"]: p for p in edmap["pages"]}
    ranges = [_range(a, sizes, base) for a in edmap["articles"]]
    first = edmap["pages"][0] if edmap["pages"] else None
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{base}manifest.json",
        "type": "Manifest",
        "label": title(edmap),
        "metadata": [
            {"label": {"en": ["Date"], "bn": ["তারিখ"]},
             "value": {"none": [edmap["date"]], "bn": [_dateline(edmap)]}},
            {"label": {"en": ["Pages"], "bn": ["পৃষ্ঠা"]},
             "value": {"none": [str(len(edmap["pages"]))]}},
            {"label": {"en": ["Articles"], "bn": ["খবর"]},
             "value": {"none": [str(len(edmap["articles"]))]}},
        ],
        "navDate": nav_date(edmap),
        "behavior": ["paged"],
        "rendering": [{"id": f"{base}{edmap['pdf']}", "type": "Text",
                       "label": {"en": ["PDF of the whole edition"], "bn": ["পুরো সংস্করণ (PDF)"]},
                       "format": "application/pdf"}],
        "homepage": [{"id": f"{base}index.html", "type": "Text",
                      "label": title(edmap), "format": "text/html"}],
        "items": canvases,
        "structures": ranges,
    }
    if first is not None:
        out["thumbnail"] = [_thumb(first, base)]
    return out


def _dateline(edmap: dict[str, Any]) -> str:
    d = edmap["dateline"]
    return f"{d['weekday']}, {d['gregorian']} | {d['bangla']} | {d['hijri']}"


def _thumb(page: dict[str, Any], base: str) -> dict[str, Any]:
    t = page["thumb"]
    return {"id": f"{base}{t['file']}", "type": "Image", "format": "image/jpeg",
            "width": t["width"], "height": t["height"]}


def canvas_id(base: str, number: int) -> str:
    return f"{base}canvas/p{number}"


def _canvas(p: dict[str, Any], base: str) -> dict[str, Any]:
    n, z, im = p["number"], p["zoom"], p["image"]
    cid = canvas_id(base, n)
    label = f"পৃষ্ঠা {n}" + (f" · {p['section']}" if p["section"] else "")
    return {
        "id": cid,
        "type": "Canvas",
        "label": {"bn": [label], "en": [f"Page {n}"]},
        "width": z["width"],
        "height": z["height"],
        "thumbnail": [_thumb(p, base)],
        "seeAlso": [{"id": f"{base}{p['alto']}", "type": "Dataset", "format": "application/xml",
                     "profile": ALTO_PROFILE, "label": {"en": ["ALTO XML"]}}],
        "rendering": [{"id": f"{base}{p['pdf']}", "type": "Text", "format": "application/pdf",
                       "label": {"en": [f"PDF of page {n}"], "bn": [f"পৃষ্ঠা {n} (PDF)"]}}],
        "items": [{
            "id": f"{cid}/page",
            "type": "AnnotationPage",
            "items": [{
                "id": f"{cid}/image",
                "type": "Annotation",
                "motivation": "painting",
                "target": cid,
                "body": {
                    "id": f"{base}{im['file']}",
                    "type": "Image",
                    "format": "image/jpeg",
                    "width": im["width"],
                    "height": im["height"],
                    "service": [{"id": f"{base}{z['id']}", "type": "ImageService3",
                                 "profile": "level0"}],
                },
            }],
        }],
    }


def _range(a: dict[str, Any], pages: dict[int, dict[str, Any]], base: str) -> dict[str, Any]:
    items = []
    for r in a["regions"]:
        p = pages[r["page"]]
        sx = p["zoom"]["width"] / p["width_pt"]
        sy = p["zoom"]["height"] / p["height_pt"]
        x0, y0, x1, y1 = r["pt"]  # PDF space: y up from the foot of the page
        x, y = round(x0 * sx), round((p["height_pt"] - y1) * sy)
        w, h = round((x1 - x0) * sx), round((y1 - y0) * sy)
        items.append({"id": f"{canvas_id(base, r['page'])}#xywh={x},{y},{w},{h}",
                      "type": "Canvas"})
    label = _label(a["headline"], a["lang"])
    return {
        "id": f"{base}range/{a['html'].rsplit('/', 1)[-1].removesuffix('.html')}",
        "type": "Range",
        "label": label,
        "rendering": [{"id": f"{base}{a['html']}", "type": "Text", "format": "text/html",
                       "label": label}],
        "items": items,
    }


def collection(editions: list[dict[str, Any]], base: str, label: str) -> dict[str, Any]:
    """A title's Collection: one Manifest reference per edition, newest first, each with
    its navDate and front-page thumbnail. `editions`: (article map, path of its web
    folder relative to the collection) pairs folded into dicts with a "web" key."""
    items = []
    for ed in editions:
        web = ed["web"]
        first = ed["pages"][0] if ed["pages"] else None
        item: dict[str, Any] = {"id": f"{base}{web}manifest.json", "type": "Manifest",
                                "label": title(ed), "navDate": nav_date(ed)}
        if first is not None:
            item["thumbnail"] = [_thumb(first, f"{base}{web}")]
        items.append(item)
    return {"@context": CONTEXT, "id": f"{base}collection.json", "type": "Collection",
            "label": {"none": [label]}, "items": items}
