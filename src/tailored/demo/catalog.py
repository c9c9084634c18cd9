"""The static vocabulary of the demo store: brands, product kinds, names and places.

Kept apart from the generator (`tailored.demo.data`) so the rules that make the
data learnable stay short to read, and the lists here can grow without touching them.
All brands are invented; any likeness to a real trademark is unintended.

>>> BRANDS_BY_NAME["Northpeak"].tier, PRODUCTS_BY_NOUN["Trail Runner"].categories
('premium', ('running', 'hiking'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

PriceBand = Literal["budget", "mid", "premium"]
Department = Literal["footwear", "clothing", "accessories"]
Season = Literal["summer", "winter", "all-year"]
Gender = Literal["women", "men", "unisex"]

PRICE_BANDS: tuple[PriceBand, ...] = ("budget", "mid", "premium")
TIER_PRICE_FACTOR: Mapping[PriceBand, float] = {"budget": 0.65, "mid": 1.0, "premium": 1.6}

CATEGORIES: tuple[str, ...] = (
    "sneakers",
    "running",
    "hiking",
    "t-shirts",
    "hoodies",
    "jackets",
    "jeans",
    "dresses",
    "accessories",
)
CLOTHING_SIZES: tuple[str, ...] = ("XS", "S", "M", "L", "XL")
ONE_SIZE = "one size"


@dataclass(frozen=True, slots=True)
class Product:
    """A kind of product a brand can make; each item is one brand x product x colour."""

    noun: str
    categories: tuple[str, ...]
    department: Department
    base_price: float
    materials: tuple[str, ...]
    season: Season
    blurb: str
    genders: tuple[Gender, ...] = ("women", "men", "unisex")


@dataclass(frozen=True, slots=True)
class Brand:
    """An invented brand: its price level and style decide what it sells and for how much."""

    name: str
    tier: PriceBand
    style: str
    products: tuple[str, ...]
    popularity: float = 1.0


PRODUCTS: tuple[Product, ...] = (
    Product("Court Sneaker", ("sneakers",), "footwear", 85, ("leather", "canvas", "suede"),
            "all-year", "with a clean cupsole for every day"),
    Product("High Top", ("sneakers",), "footwear", 95, ("canvas", "leather"), "all-year",
            "with a padded collar and a vintage toe cap"),
    Product("Slip-On", ("sneakers",), "footwear", 60, ("canvas", "knit"), "summer",
            "that goes on without laces"),
    Product("Road Runner", ("sneakers", "running"), "footwear", 120,
            ("engineered mesh", "recycled mesh"), "all-year",
            "with a springy foam midsole for long runs"),
    Product("Trail Runner", ("running", "hiking"), "footwear", 130,
            ("ripstop mesh", "recycled mesh"), "all-year",
            "with a grippy lugged outsole for muddy paths"),
    Product("Hiking Boot", ("hiking",), "footwear", 160, ("nubuck leather", "waterproof suede"),
            "winter", "with a waterproof membrane and ankle support"),
    Product("Tee", ("t-shirts",), "clothing", 22, ("cotton", "organic cotton"), "summer",
            "with a relaxed fit"),
    Product("Performance Tee", ("t-shirts", "running"), "clothing", 32,
            ("recycled polyester",), "summer", "that wicks sweat on hot days"),
    Product("Hoodie", ("hoodies",), "clothing", 55, ("cotton fleece", "organic cotton"),
            "all-year", "with a kangaroo pocket"),
    Product("Zip Hoodie", ("hoodies",), "clothing", 62, ("cotton fleece", "merino blend"),
            "winter", "with a full zip and a lined hood"),
    Product("Puffer Jacket", ("jackets",), "clothing", 150, ("recycled down", "synthetic fill"),
            "winter", "that packs into its own pocket"),
    Product("Rain Shell", ("jackets", "hiking"), "clothing", 130, ("ripstop nylon",),
            "all-year", "with taped seams and a storm hood"),
    Product("Fleece Jacket", ("jackets", "hiking"), "clothing", 85, ("polar fleece",),
            "winter", "for cold mornings on the trail"),
    Product("Running Jacket", ("jackets", "running"), "clothing", 95,
            ("recycled polyester",), "all-year", "with reflective details"),
    Product("Slim Jeans", ("jeans",), "clothing", 70, ("stretch denim", "raw denim"),
            "all-year", "cut close through the leg"),
    Product("Relaxed Jeans", ("jeans",), "clothing", 72, ("organic denim", "raw denim"),
            "all-year", "with a roomy straight leg"),
    Product("Wrap Dress", ("dresses",), "clothing", 68, ("viscose", "linen"), "summer",
            "with a tie waist", genders=("women",)),
    Product("Knit Dress", ("dresses",), "clothing", 85, ("merino wool", "cotton knit"),
            "winter", "that keeps its shape all day", genders=("women",)),
    Product("Beanie", ("accessories",), "accessories", 22, ("merino wool", "recycled wool"),
            "winter", "with a turned-up cuff", genders=("unisex",)),
    Product("Cap", ("accessories",), "accessories", 20, ("cotton twill",), "summer",
            "with an adjustable strap", genders=("unisex",)),
    Product("Daypack", ("accessories", "hiking"), "accessories", 75, ("recycled nylon",),
            "all-year", "with a padded laptop sleeve", genders=("unisex",)),
    Product("Running Socks", ("accessories", "running"), "accessories", 14,
            ("merino blend",), "all-year", "with a cushioned heel", genders=("unisex",)),
    Product("Scarf", ("accessories",), "accessories", 35, ("lambswool", "cashmere blend"),
            "winter", "in a generous length", genders=("unisex",)),
)  # fmt: skip

BRANDS: tuple[Brand, ...] = (
    Brand("Northpeak", "premium", "outdoor",
          ("Hiking Boot", "Trail Runner", "Rain Shell", "Puffer Jacket", "Fleece Jacket",
           "Daypack", "Beanie"), popularity=1.3),
    Brand("Velora", "mid", "athletic",
          ("Road Runner", "Trail Runner", "Performance Tee", "Running Jacket",
           "Running Socks", "Court Sneaker"), popularity=1.5),
    Brand("Stride & Co", "mid", "streetwear",
          ("Court Sneaker", "High Top", "Slip-On", "Hoodie", "Zip Hoodie", "Cap"),
          popularity=1.4),
    Brand("Lumen Basics", "budget", "minimal",
          ("Tee", "Hoodie", "Slim Jeans", "Wrap Dress", "Slip-On", "Running Socks")),
    Brand("Ashgrove", "premium", "classic",
          ("Knit Dress", "Wrap Dress", "Puffer Jacket", "Slim Jeans",
           "Scarf", "Court Sneaker")),
    Brand("Kestrelline", "mid", "athletic",
          ("Road Runner", "Performance Tee", "Zip Hoodie", "Running Jacket", "Cap"),
          popularity=0.8),
    Brand("Tidewell", "budget", "casual",
          ("Tee", "Wrap Dress", "Relaxed Jeans", "Slip-On", "Cap", "Hoodie")),
    Brand("Fernhollow", "mid", "outdoor",
          ("Hiking Boot", "Fleece Jacket", "Rain Shell", "Daypack", "Beanie", "Relaxed Jeans"),
          popularity=0.9),
    Brand("Maison Orla", "premium", "classic",
          ("Knit Dress", "Wrap Dress", "Scarf", "High Top", "Slim Jeans"), popularity=0.7),
    Brand("Urbanloom", "budget", "streetwear",
          ("High Top", "Hoodie", "Zip Hoodie", "Relaxed Jeans", "Tee", "Beanie")),
)  # fmt: skip

COLOURS: tuple[str, ...] = (
    "Black", "White", "Moss Green", "Navy", "Sand", "Charcoal", "Burgundy", "Sky Blue",
    "Rust", "Olive", "Cream", "Slate Grey", "Coral", "Forest Green", "Mustard", "Lilac",
)  # fmt: skip

FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Ben", "Chloe", "Daniel", "Elena", "Felix", "Grace", "Hugo", "Ines", "Jonas",
    "Kira", "Leo", "Maya", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "Wen", "Yara", "Zoe", "Lukas", "Amara", "Mateo", "Sofia", "Theo",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Andersen", "Bianchi", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Hansen",
    "Ivanova", "Jansen", "Kowalski", "Larsen", "Moreau", "Nowak", "Okafor", "Peeters",
    "Quintero", "Rossi", "Silva", "Tanaka", "Urban", "Visser", "Weber", "Yilmaz", "Zhang",
)  # fmt: skip

CITIES: tuple[tuple[str, str], ...] = (
    ("Amsterdam", "Netherlands"), ("Berlin", "Germany"), ("Copenhagen", "Denmark"),
    ("Dublin", "Ireland"), ("Lisbon", "Portugal"), ("Lyon", "France"), ("Madrid", "Spain"),
    ("Milan", "Italy"), ("Oslo", "Norway"), ("Prague", "Czechia"), ("Vienna", "Austria"),
    ("Warsaw", "Poland"),
)  # fmt: skip

AGE_BANDS: tuple[str, ...] = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_BAND_WEIGHTS: tuple[float, ...] = (0.18, 0.32, 0.24, 0.14, 0.08, 0.04)


@dataclass(frozen=True, slots=True)
class Drink:
    """One drink of the cafe corner, the base the coffee configurator will build on."""

    slug: str
    title: str
    price: float
    temperature: Literal["hot", "iced"]
    caffeine_mg: int
    milk: bool
    blurb: str

    @property
    def caffeine(self) -> str:
        """A level a filter or a person can use, from the milligrams."""
        if self.caffeine_mg == 0:
            return "none"
        return "low" if self.caffeine_mg < 60 else "medium" if self.caffeine_mg < 120 else "high"

    def row(self) -> dict[str, Any]:
        """The drink as a catalog row (`ItemIn`), category "coffee"."""
        attributes = {
            "price": self.price,
            "currency": "EUR",
            "temperature": self.temperature,
            "caffeine": self.caffeine,
            "caffeine_mg": self.caffeine_mg,
            "milk": self.milk,
        }
        return {
            "id": f"coffee-{self.slug}",
            "title": self.title,
            "description": self.blurb,
            "categories": ["coffee"],
            "attributes": attributes,
            "available": True,
        }


COFFEE_MENU: tuple[Drink, ...] = (
    Drink("espresso", "Espresso", 2.40, "hot", 65, False, "A short, intense single shot."),
    Drink("americano", "Americano", 2.90, "hot", 130, False, "Two shots topped up with hot water."),
    Drink("cappuccino", "Cappuccino", 3.40, "hot", 130, True, "Espresso under thick milk foam."),
    Drink("flat-white", "Flat White", 3.60, "hot", 130, True, "Double ristretto, silky milk."),
    Drink("latte", "Latte", 3.70, "hot", 130, True, "Espresso with plenty of steamed milk."),
    Drink("mocha", "Mocha", 4.10, "hot", 130, True, "A latte with dark chocolate."),
    Drink("decaf-latte", "Decaf Latte", 3.70, "hot", 5, True, "A latte without the buzz."),
    Drink("chai-latte", "Chai Latte", 3.90, "hot", 40, True, "Spiced black tea with steamed milk."),
    Drink("hot-chocolate", "Hot Chocolate", 3.50, "hot", 0, True, "Dark chocolate and warm milk."),
    Drink("cold-brew", "Cold Brew", 3.90, "iced", 200, False, "Steeped cold for 18 hours."),
    Drink("iced-latte", "Iced Latte", 3.90, "iced", 130, True, "A double shot over ice and milk."),
    Drink("iced-americano", "Iced Americano", 3.20, "iced", 130, False, "Two shots over ice."),
)  # fmt: skip

PRODUCTS_BY_NOUN: Mapping[str, Product] = {p.noun: p for p in PRODUCTS}
BRANDS_BY_NAME: Mapping[str, Brand] = {b.name: b for b in BRANDS}

__all__ = [
    "AGE_BANDS",
    "AGE_BAND_WEIGHTS",
    "BRANDS",
    "BRANDS_BY_NAME",
    "CATEGORIES",
    "CITIES",
    "CLOTHING_SIZES",
    "COFFEE_MENU",
    "COLOURS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "ONE_SIZE",
    "PRICE_BANDS",
    "PRODUCTS",
    "PRODUCTS_BY_NOUN",
    "TIER_PRICE_FACTOR",
    "Brand",
    "Department",
    "Drink",
    "Gender",
    "PriceBand",
    "Product",
    "Season",
]
