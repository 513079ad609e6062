"""Product catalog vocabulary: categories, names, flexible attributes, prices."""

from __future__ import annotations

import numpy as np

__all__ = ["ATTRIBUTES", "CATEGORIES", "price_cents", "product_names"]

# category -> nouns; the order of this tuple gives category ids 1..N
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Electronics", ("Bluetooth Speaker", "Headphones", "Smart Plug", "USB-C Hub", "Webcam")),
    ("Home & Kitchen", ("Espresso Maker", "Chef's Knife", "Dutch Oven", "Kettle", "Blender")),
    ("Books", ("Cookbook", "Field Guide", "Novel", "Atlas", "Travel Guide")),
    ("Toys & Games", ("Puzzle", "Board Game", "Building Set", "Plush Bear", "Kite")),
    ("Sports & Outdoors", ("Yoga Mat", "Tent", "Water Bottle", "Trail Shoes", "Backpack")),
    ("Beauty", ("Face Serum", "Shampoo", "Lip Balm", "Sunscreen", "Hand Cream")),
    ("Clothing", ("Hoodie", "Rain Jacket", "T-Shirt", "Wool Socks", "Denim Jeans")),
    ("Grocery", ("Coffee Beans", "Olive Oil", "Green Tea", "Dark Chocolate", "Honey")),
    ("Garden", ("Pruning Shears", "Planter", "Hose", "Seed Kit", "Bird Feeder")),
    ("Office", ("Notebook", "Desk Lamp", "Fountain Pen", "Monitor Stand", "Stapler")),
    (
        "Digital Services",
        ("Setup Consultation", "Online Course", "Support Plan", "E-Gift Card", "Design Session"),
    ),
    ("Pet Supplies", ("Dog Bed", "Cat Tree", "Leash", "Pet Shampoo", "Chew Toy")),
)
_ADJECTIVES = (
    "Classic",
    "Premium",
    "Compact",
    "Deluxe",
    "Eco",
    "Pro",
    "Mini",
    "Ultra",
    "Vintage",
    "Smart",
    "Heritage",
    "Nordic",
    'Big "XL"',
    "Travel, Folding",
)

# category name -> list of (attribute_name, possible values)
ATTRIBUTES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "Electronics": (
        ("color", ("black", "white", "blue")),
        ("wifi_standard", ("802.11ac", "802.11ax")),
        ("warranty_months", ("12", "24")),
    ),
    "Digital Services": (("duration_hours", ("1", "2", "4")), ("platform", ("Zoom", "Teams", "web"))),
    "Clothing": (
        ("size", ("S", "M", "L", "XL")),
        ("color", ("red", "navy", "grey")),
        ("material", ("cotton", "wool", "polyester")),
    ),
    "Books": (("format", ("hardcover", "paperback", "ebook")), ("pages", ("120", "240", "480"))),
    "Home & Kitchen": (("capacity_l", ("0.5", "1.7", "5.5")), ("material", ("steel", "cast iron"))),
    "Sports & Outdoors": (("weight_kg", ("0.3", "1.2", "2.5")), ("color", ("green", "orange"))),
}


def product_names(rng: np.random.Generator, category_idx: np.ndarray) -> np.ndarray:
    n = len(category_idx)
    noun_i = rng.integers(0, 5, n)
    adj = np.array(_ADJECTIVES, dtype=object)[rng.integers(0, len(_ADJECTIVES), n)]
    nouns = np.array([[noun for noun in c[1]] for c in CATEGORIES], dtype=object)
    noun = nouns[category_idx, noun_i]
    model = rng.integers(100, 1000, n).astype(str).astype(object)
    return adj + " " + noun + " " + model


def price_cents(rng: np.random.Generator, n: int) -> np.ndarray:
    """Log-normal prices from ~$2 to ~$3,000, in whole cents, ending in 9 or 0 like shop prices."""
    dollars = np.clip(np.exp(rng.normal(3.3, 1.1, n)), 2, 3000)
    cents = (np.floor(dollars) * 100 + np.where(rng.random(n) < 0.6, 99, 0)).astype(np.int64)
    return cents
