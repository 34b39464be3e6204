#!/usr/bin/env python3
"""Pokémon primary type from base stats: the kedro-fast-api example of seed 000.

Seed 000 serves a Kedro project that predicts a Pokémon's primary type from its stats, with
an api.yml whose routes name a `predictor` and list typed parameters. This script draws 1,000
Pokémon of eight types: each type has a stat profile (Rock: defense; Fighting: attack;
Electric: speed and special attack; ...), each Pokémon a strength (its evolution stage) that
scales every stat, legendaries are rarer and stronger, and the generation barely matters.
A RandomForestClassifier (after a Normalizer that adds each stat's share of the total) is
fitted on the type names themselves (string labels), so the ONNX model answers "Fire", not a
class number. Writes model.onnx, requests.json and the request
section of README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
from example_tools import TARGET_OPSET, finalize, record, sanity_check  # noqa: E402

STATS = ["hp", "attack", "defense", "sp_attack", "sp_defense", "speed"]
# type → (share, mean hp, attack, defense, sp_attack, sp_defense, speed of a mid-strength Pokémon, P(legendary))
TYPES = {
    "Normal": (0.16, 85, 72, 58, 52, 62, 74, 0.01),
    "Water": (0.20, 75, 72, 78, 76, 74, 62, 0.03),
    "Grass": (0.14, 68, 70, 70, 76, 76, 56, 0.02),
    "Fire": (0.10, 70, 88, 66, 92, 70, 82, 0.04),
    "Electric": (0.08, 58, 66, 56, 86, 62, 104, 0.04),
    "Psychic": (0.10, 72, 62, 60, 112, 84, 92, 0.25),
    "Rock": (0.11, 68, 92, 112, 56, 66, 48, 0.04),
    "Fighting": (0.11, 76, 108, 66, 46, 64, 66, 0.01),
}


def pokemon(n=1000, seed=0):
    """Synthetic Pokémon: (X = six stats, is_legendary 0/1, generation; y = type names)."""
    rng = np.random.default_rng(seed)
    names = list(TYPES)
    table = np.array(list(TYPES.values()))
    kind = rng.choice(len(names), n, p=table[:, 0] / table[:, 0].sum())
    legendary = rng.random(n) < table[kind, 7]
    strength = rng.lognormal(0, 0.2, n) * np.where(legendary, 1.4, 1.0)
    stats = table[kind, 1:7] * strength[:, None] * rng.lognormal(0, 0.12, (n, 6))
    generation = rng.integers(1, 10, n)
    X = np.column_stack([stats.round().clip(1, 255), legendary, generation]).astype(float)
    return X, np.array(names)[kind]


def train():
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import Normalizer

    X, y = pokemon()
    # The type shows in the shape of the stats more than in their size: each stat's share of
    # the total (an L1 Normalizer, exported into the ONNX graph) goes in next to the raw columns.
    columns = ColumnTransformer([("shares", Normalizer(norm="l1"), list(range(6))), ("raw", "passthrough", list(range(8)))])
    forest = RandomForestClassifier(n_estimators=20, max_depth=6, min_samples_leaf=5, random_state=0, n_jobs=1)
    model = Pipeline([("columns", columns), ("forest", forest)])
    accuracy = cross_val_score(model, X, y, cv=5).mean()
    model.fit(X, y)
    print(f"pokemon: {len(y)} Pokémon of {len(TYPES)} types, cross-validated accuracy {accuracy:.1%} "
          f"(most frequent type alone: {max(np.mean(y == t) for t in TYPES):.0%})")
    return model


def export(model):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(model, initial_types=[("input", FloatTensorType([None, 8]))], target_opset=TARGET_OPSET)
    size = finalize(onx, "pokemon", HERE)
    rows = np.array([[78, 84, 78, 109, 85, 100, 0, 1], [80, 120, 130, 55, 65, 45, 0, 1]], dtype=np.float32)
    sanity_check(HERE, {"input": rows}, model.predict(rows), output=0)
    print(f"pokemon: model.onnx {size} bytes")


def stats(*values, legendary=False, generation=1):
    return {**dict(zip(STATS, values)), "is_legendary": legendary, "generation": generation}


REQUESTS = [
    {"name": "single", "title": "Charizard (POST an object)", "method": "POST", "path": "/pokemon_type",
     "body": stats(78, 84, 78, 109, 85, 100), "status": 200},
    {"name": "batch", "title": "Blastoise, Golem, Machamp, Alakazam and Regirock (POST an array)", "method": "POST",
     "path": "/pokemon_type",
     "body": [stats(79, 83, 100, 85, 105, 78), stats(80, 120, 130, 55, 65, 45), stats(90, 130, 80, 65, 85, 55),
              stats(55, 50, 45, 135, 95, 120), stats(80, 100, 200, 50, 100, 50, legendary=True, generation=3)],
     "status": 200},
    {"name": "query", "title": "Pikachu as a query string (GET, kedro-fast-api style)", "method": "GET",
     "path": "/pokemon_type?hp=35&attack=55&defense=40&sp_attack=50&sp_defense=50&speed=90&is_legendary=false&generation=1",
     "status": 200},
    {"name": "invalid", "title": "Wrong values (422)", "method": "POST", "path": "/pokemon_type",
     "body": {"hp": 0, "attack": "high", "sp_attack": 50, "sp_defense": 50, "speed": 300, "is_legendary": "no",
              "generation": 10},
     "status": 422,
     "issues": [("greater_than_equal", ["body", "hp"]), ("int_type", ["body", "attack"]), ("missing", ["body", "defense"]),
                ("less_than_equal", ["body", "speed"]), ("bool_type", ["body", "is_legendary"]),
                ("less_than_equal", ["body", "generation"])]},
    {"name": "rule", "title": "Too strong for a non-legendary Pokémon (422, rule)", "method": "POST",
     "path": "/pokemon_type", "body": stats(150, 150, 120, 150, 120, 110, generation=3),
     "status": 422, "issues": [("rule_failed", ["body", "hp"])]},
]


if __name__ == "__main__":
    export(train())
    record(HERE, REQUESTS)
