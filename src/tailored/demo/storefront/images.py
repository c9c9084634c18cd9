"""Product pictures for the demo store, drawn from the item itself: no files, no network.

Each item gets a simple SVG: the outline of its kind (a sneaker, a shirt, a cup, ...)
filled with its `colour` attribute, and its brand written underneath. The same item
always gives the same picture, so browsers may keep it for a day.

>>> svg = draw(Item("sku-1", "Velora Road Runner, Navy", categories=("sneakers",),
...                 attributes={"brand": "Velora", "colour": "navy"}))
>>> svg.startswith("<svg") and 'fill="#1f2f5c"' in svg and ">Velora<" in svg
True
>>> shape_of(("coffee",)), shape_of(("jackets", "hiking")), shape_of(("unknown",))
('cup', 'jacket', 'box')
"""

from __future__ import annotations

import hashlib
from typing import Annotated
from xml.sax.saxutils import escape

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from tailored.demo.storefront.shop import client_of
from tailored.domain.catalog import Item
from tailored.errors import InvalidInput, NotFound

router = APIRouter()
CACHE_FOR_SECONDS = 86_400

# The first category that names a kind decides the outline.
SHAPE_OF_CATEGORY: dict[str, str] = {
    "sneakers": "shoe", "running": "shoe", "hiking": "shoe", "shoes": "shoe",
    "footwear": "shoe", "boots": "shoe",
    "t-shirts": "shirt", "shirts": "shirt", "tops": "shirt",
    "hoodies": "hoodie", "sweaters": "hoodie",
    "jackets": "jacket", "coats": "jacket",
    "jeans": "trousers", "trousers": "trousers", "pants": "trousers",
    "dresses": "dress", "skirts": "dress",
    "accessories": "bag", "bags": "bag",
    "coffee": "cup", "tea": "cup", "drinks": "cup",
}  # fmt: skip

# Clothing categories also sold as running or hiking gear: the garment wins over the shoe.
_GARMENTS = ("t-shirts", "hoodies", "jackets", "jeans", "dresses", "accessories", "coffee")

OUTLINES: dict[str, str] = {
    "shoe": "M22 118 C22 96 40 92 58 88 L92 62 C100 56 112 58 116 66 L124 84 C150 90 "
    "178 96 186 112 L188 126 C188 132 182 136 174 136 L30 136 C24 136 22 130 22 118 Z",
    "shirt": "M70 40 L92 32 C96 44 124 44 128 32 L150 40 L182 68 L164 90 L150 80 "
    "L150 160 L70 160 L70 80 L56 90 L38 68 Z",
    "hoodie": "M74 44 C76 22 144 22 146 44 L180 70 L164 94 L150 84 L150 162 L70 162 "
    "L70 84 L56 94 L40 70 Z M92 44 C96 62 124 62 128 44 C122 34 98 34 92 44 Z",
    "jacket": "M72 36 L96 30 L110 52 L124 30 L148 36 L182 64 L170 160 L50 160 L38 64 Z "
    "M108 56 L108 160 L112 160 L112 56 Z",
    "trousers": "M74 28 L146 28 L156 160 L122 160 L110 74 L98 160 L64 160 Z",
    "dress": "M90 28 L130 28 L128 62 L162 160 L58 160 L92 62 Z",
    "bag": "M60 70 L160 70 L170 156 L50 156 Z M84 70 C84 40 136 40 136 70 L128 70 "
    "C128 50 92 50 92 70 Z",
    "cup": "M62 58 L150 58 L140 156 C139 162 134 166 128 166 L84 166 C78 166 73 162 72 156 Z "
    "M150 76 C178 76 178 122 146 122 L147 110 C164 110 164 88 149 88 Z",
    "box": "M50 50 L170 50 L170 150 L50 150 Z",
}

# Colour names a catalog uses, as the swatch a shopper would expect.
COLOURS: dict[str, str] = {
    "black": "#222222", "white": "#f4f4f0", "navy": "#1f2f5c", "sand": "#d8c59a",
    "charcoal": "#3d4148", "burgundy": "#7a1f33", "sky blue": "#8cc4ec", "rust": "#b4532a",
    "olive": "#6b6b2f", "cream": "#f1e8cf", "slate grey": "#6c7a89", "coral": "#f2786b",
    "forest green": "#2f5d3a", "moss green": "#6d7f3a", "mustard": "#d6a62c",
    "lilac": "#b9a2d6", "red": "#c62f2f", "blue": "#2f6fd3", "green": "#3a8f4f",
    "grey": "#8a8f98", "gray": "#8a8f98", "brown": "#7a5232", "pink": "#ef9ab8",
    "yellow": "#f0d03c", "orange": "#ef8a2f", "purple": "#7a4fb0", "beige": "#e3d5b8",
}  # fmt: skip
_COFFEE = "#6f4a2f"


def shape_of(categories: tuple[str, ...]) -> str:
    """The outline for an item's categories ("box" when none names a kind)."""
    for category in categories:
        if category.lower() in _GARMENTS:
            return SHAPE_OF_CATEGORY[category.lower()]
    for category in categories:
        if category.lower() in SHAPE_OF_CATEGORY:
            return SHAPE_OF_CATEGORY[category.lower()]
    return "box"


def colour_of(item: Item) -> str:
    """The item's colour as a hex swatch; a name we do not know still gets a stable hue."""
    name = str(item.attributes.get("colour") or item.attributes.get("color") or "").lower()
    if name in COLOURS:
        return COLOURS[name]
    if not name and "coffee" in item.categories:
        return _COFFEE
    hue = int(hashlib.sha256((name or item.id).encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue} 45% 55%)"


def draw(item: Item) -> str:
    """The SVG picture of `item` (220 x 200, with its title as the accessible name)."""
    shape = shape_of(item.categories)
    fill = colour_of(item)
    label = str(item.attributes.get("brand") or (item.categories[0] if item.categories else ""))
    light = fill in (COLOURS["white"], COLOURS["cream"], COLOURS["sand"], COLOURS["beige"])
    stroke = "#8a8f98" if light else "#1d2330"
    steam = (
        '<path d="M90 44 C82 34 98 26 90 14 M112 44 C104 34 120 26 112 14" fill="none" '
        'stroke="#b9bec8" stroke-width="4" stroke-linecap="round"/>'
        if shape == "cup"
        else ""
    )
    name = escape(item.title or item.id, {'"': "&quot;"})
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 220 200" width="220" '
        f'height="200" role="img" aria-label="{name}">'
        '<rect width="220" height="200" rx="12" fill="#f4f6f9"/>'
        f"{steam}"
        f'<path d="{OUTLINES[shape]}" fill="{fill}" stroke="{stroke}" stroke-width="3" '
        'stroke-linejoin="round" fill-rule="evenodd"/>'
        '<text x="110" y="190" text-anchor="middle" font-family="system-ui, sans-serif" '
        f'font-size="15" font-weight="600" fill="#1d2330">{escape(label[:28])}</text>'
        "</svg>"
    )


@router.get("/images/{item_id}.svg")
def item_image(request: Request, item_id: Annotated[str, Path(max_length=256)]) -> Response:
    try:
        item = client_of(request).items.get(item_id)
    except (NotFound, InvalidInput):  # not an item id at all is no such item either
        return Response("no such item", status_code=404, media_type="text/plain")
    return Response(
        draw(item),
        media_type="image/svg+xml",
        headers={"Cache-Control": f"public, max-age={CACHE_FOR_SECONDS}"},
    )


__all__ = ["COLOURS", "OUTLINES", "colour_of", "draw", "router", "shape_of"]
