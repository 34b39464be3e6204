#!/usr/bin/env python3
"""Seattle building energy use: a gradient boosting regressor on building facts (seed 004).

Seed 004 asks for an API where a Seattle building owner enters facts about a building and
gets its predicted yearly site energy use, SiteEnergyUse(kBtu), with validation that refuses
inconsistent buildings. The city's 2016 benchmarking data is not shipped here, so this script
draws 1,500 non-residential buildings with plausible relationships: energy grows with the
floor area (excluding parking) times an intensity per kBtu and sq ft that depends on the
primary use (hospitals, supermarkets and restaurants high; warehouses and churches low),
falls with the ENERGY STAR score, and rises for older buildings and for district-steam users.

The model is trained directly on SiteEnergyUse in kBtu (not on its log), so its output is
the answer in kBtu. ENERGY STAR scores are missing for about 30% of buildings: the exported
pipeline starts with a median SimpleImputer, so a missing score (NaN) is a valid input.
Writes model.onnx, requests.json and the request section of README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
from example_tools import TARGET_OPSET, finalize, record, sanity_check  # noqa: E402

# primary use → (share of buildings, site energy intensity in kBtu per sq ft and year, median floors)
USES = {
    "Office": (0.25, 75, 4),
    "Hotel": (0.05, 95, 6),
    "Retail Store": (0.08, 65, 1),
    "Warehouse": (0.12, 30, 1),
    "K-12 School": (0.08, 55, 2),
    "Hospital": (0.02, 240, 5),
    "Supermarket / Grocery Store": (0.03, 230, 1),
    "Restaurant": (0.02, 280, 1),
    "Worship Facility": (0.05, 35, 1),
    "Other": (0.30, 70, 2),
}
COLUMNS = ["primary_use code", "year_built", "number_of_buildings", "number_of_floors",
           "building floor area", "parking share", "energy_star_score", "uses_steam"]


def buildings(n=1500, seed=4):
    """Synthetic buildings: (X with the model's eight columns, y = SiteEnergyUse in kBtu)."""
    rng = np.random.default_rng(seed)
    share, intensity, floors_median = (np.array(v, dtype=float) for v in zip(*USES.values()))
    use = rng.choice(len(USES), n, p=share / share.sum())
    year = (1900 + 115 * rng.beta(1.3, 1.0, n)).round()
    floors = rng.lognormal(np.log(floors_median[use]), 0.6).round().clip(1, 76)
    n_buildings = np.where(rng.random(n) < 0.92, 1, rng.integers(2, 11, n)).astype(float)
    gross = (rng.lognormal(np.log(45_000), 0.8, n) * np.sqrt(floors) * np.sqrt(n_buildings)).clip(20_000, 2_000_000).round(-2)
    parking = np.where(rng.random(n) < 0.7, 0.0, (gross * rng.uniform(0.05, 0.45, n)).round(-2))
    score = rng.integers(1, 101, n).astype(float)
    score[rng.random(n) < 0.3] = np.nan
    steam = (rng.random(n) < 0.04 + 0.1 * (floors > 8)).astype(float)
    area = gross - parking
    effect = np.where(np.isnan(score), 1.0, np.exp(-(np.nan_to_num(score) - 50) / 70))
    energy = (intensity[use] * area * effect * (1 + 0.15 * steam) * (1 + 0.002 * (1980 - year))
              * rng.lognormal(0, 0.25, n) + 2.5 * parking)
    X = np.column_stack([use, year, n_buildings, floors, area, parking / gross, score, steam])
    return X, energy.round()


def train():
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import Pipeline

    X, y = buildings()
    model = Pipeline([("impute", SimpleImputer(strategy="median")),
                      ("gbr", GradientBoostingRegressor(n_estimators=150, max_depth=3, random_state=0))])
    r2 = cross_val_score(model, X, y, cv=5, scoring="r2").mean()
    model.fit(X, y)
    print(f"energy: {len(y)} buildings, median {np.median(y):,.0f} kBtu, R² {r2:.2f}")
    return model


def export(model):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(model, initial_types=[("input", FloatTensorType([None, len(COLUMNS)]))], target_opset=TARGET_OPSET)
    size = finalize(onx, "energy", HERE)
    rows = np.array([[0, 1985, 1, 8, 100_000, 1 / 6, 72, 0], [1, 1928, 1, 12, 240_000, 0, np.nan, 1]], dtype=np.float32)
    sanity_check(HERE, {"input": rows}, model.predict(rows).reshape(-1, 1), output=0, tolerance=1e-4)
    print(f"energy: model.onnx {size} bytes")


OFFICE = {"primary_use": "Office", "year_built": 1985, "number_of_buildings": 1, "number_of_floors": 8,
          "gross_floor_area": 120000, "parking_floor_area": 20000, "energy_star_score": 72, "uses_steam": False}
REQUESTS = [
    {"name": "single", "title": "One building (POST an object)", "method": "POST", "path": "/energy_use",
     "body": OFFICE, "status": 200},
    {"name": "batch", "title": "Several buildings, some without an ENERGY STAR score (POST an array)",
     "method": "POST", "path": "/energy_use",
     "body": [
         {"primary_use": "Hotel", "year_built": 1928, "number_of_floors": 12, "gross_floor_area": 240000,
          "energy_star_score": None, "uses_steam": True},
         {"primary_use": "Warehouse", "year_built": 2004, "number_of_floors": 1, "gross_floor_area": 85000},
         {"primary_use": "K-12 School", "year_built": 1961, "number_of_buildings": 3, "number_of_floors": 2,
          "gross_floor_area": 98000, "energy_star_score": 41},
     ],
     "status": 200},
    {"name": "query", "title": "One building as a query string (GET)", "method": "GET",
     "path": "/energy_use?primary_use=Retail%20Store&year_built=1962&number_of_floors=2&gross_floor_area=45000",
     "status": 200},
    {"name": "invalid", "title": "Impossible values (422)", "method": "POST", "path": "/energy_use",
     "body": {"primary_use": "Castle", "year_built": 2031, "number_of_floors": 0, "gross_floor_area": -5000,
              "energy_star_score": 120, "uses_steam": "yes"},
     "status": 422,
     "issues": [("enum", ["body", "primary_use"]), ("less_than_equal", ["body", "year_built"]),
                ("greater_than_equal", ["body", "number_of_floors"]), ("greater_than", ["body", "gross_floor_area"]),
                ("less_than_equal", ["body", "energy_star_score"]), ("bool_type", ["body", "uses_steam"])]},
    {"name": "inconsistent", "title": "An inconsistent building (422, rules)", "method": "POST", "path": "/energy_use",
     "body": {"primary_use": "Office", "year_built": 1990, "number_of_floors": 40, "gross_floor_area": 6000,
              "parking_floor_area": 9000},
     "status": 422,
     "issues": [("rule_failed", ["body", "parking_floor_area"]), ("rule_failed", ["body", "gross_floor_area"])]},
]


def write_reference():
    """train.csv: the training rows in the model's input columns, the reference data
    explanations count node covers on (`reference:` in augur.yaml)."""
    X, _ = buildings()
    header = COLUMNS
    np.savetxt(HERE / "train.csv", X, delimiter=",", header=",".join(header), comments="", fmt="%.10g")


if __name__ == "__main__":
    export(train())
    write_reference()
    record(HERE, REQUESTS)
