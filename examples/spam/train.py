#!/usr/bin/env python3
"""Spam filter for short messages: a text pipeline, TF-IDF of words and word pairs and a
logistic regression, served from the raw text.

Data: messages.csv, 205 short messages written for this example (88 spam, 117 ham; English
with a few in French, Spanish, German and Portuguese, some with accents and emoji). Phone
numbers are fictional (555-01xx) and links point to example.com.

Model: a scikit-learn Pipeline of TfidfVectorizer(ngram_range=(1, 2), min_df=2) and
LogisticRegression(C=10). Not sublinear_tf: skl2onnx 1.19.1 exports it as log(1 + tf)
instead of scikit-learn's 1 + log(tf), which changes the probabilities of every message with
a repeated word. skl2onnx exports the vectorizer as StringNormalizer (lower case) →
Tokenizer → TfIdfVectorizer → Mul (idf) → Normalizer (L2), with two options: a token
pattern that is scikit-learn's default one (\\b\\w\\w+\\b: runs of two or more letters,
digits or underscores, in any script) and the locale C.UTF-8, so that lower-casing
covers non-ASCII letters and needs no installed locale. Writes model.onnx, requests.json and
the request section of README.md. Run with the project's .venv: scripts/make_examples.sh.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
from example_tools import TARGET_OPSET, finalize, record, sanity_check  # noqa: E402

THRESHOLD = 0.6  # augur.yaml's output.threshold: P(spam) from which a message is flagged


def messages():
    """messages.csv: (texts, labels "spam" / "ham") as object arrays."""
    with open(HERE / "messages.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return (np.array([r["text"] for r in rows], dtype=object), np.array([r["label"] for r in rows], dtype=object))


def pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2)),
                     ("classifier", LogisticRegression(C=10, max_iter=1000))])


def train():
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    X, y = messages()
    model = pipeline()
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    p_spam = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    spam, accuracy = y == "spam", np.mean((p_spam >= 0.5) == (y == "spam"))
    flagged = p_spam >= THRESHOLD
    model.fit(X, y)
    print(f"spam: {len(y)} messages, {spam.sum()} spam, {len(model.named_steps['tfidf'].vocabulary_)} words and "
          f"word pairs; cross-validated accuracy {accuracy:.1%}; from P(spam) >= {THRESHOLD}: "
          f"{flagged.sum()} flagged, {np.sum(flagged & ~spam)} of them ham, {np.sum(flagged & spam) / spam.sum():.0%} "
          f"of the spam caught")
    return model


def export(model):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import StringTensorType

    options = {id(model.named_steps["tfidf"]): {"tokenexp": r"[\p{L}\p{N}_]{2,}", "locale": "C.UTF-8"},
               id(model.named_steps["classifier"]): {"zipmap": False}}
    onx = convert_sklearn(model, initial_types=[("text", StringTensorType([None, 1]))], options=options,
                          target_opset=TARGET_OPSET)
    size = finalize(onx, "spam", HERE)
    X, _ = messages()
    rows = np.concatenate([X, [msg["message"] for msg in REQUESTS[1]["body"]], ["!!!"]]).astype(object)
    sanity_check(HERE, {"text": rows.reshape(-1, 1)}, model.predict_proba(rows), output=1)
    print(f"spam: model.onnx {size} bytes")


LONG = "a" * 2001

REQUESTS = [
    {"name": "single", "title": "One message (POST an object)", "method": "POST", "path": "/is_spam",
     "body": {"message": "WINNER!! You have been selected for a FREE holiday. Call 0800-555-0199 now to claim your prize"},
     "status": 200},
    {"name": "batch", "title": "Several messages, with accents and emoji (POST an array)", "method": "POST",
     "path": "/is_spam",
     "body": [
         {"message": "Are we still on for lunch tomorrow? 🙂"},
         {"message": "Félicitations ! Vous avez gagné 500 € en bons cadeaux. Cliquez ici pour les réclamer 🎁"},
         {"message": "URGENT: your account has been locked. Verify your details at secure-login.example.com"},
         {"message": "Thanks for the help with the move, the café on Main Street is my treat"},
     ],
     "status": 200},
    {"name": "query", "title": "One message as a query string (GET)", "method": "GET",
     "path": "/is_spam?message=Can%20you%20pick%20up%20the%20kids%20at%205%3F",
     "status": 200},
    {"name": "no_words", "title": "A message without a word (200: the model's prior)", "method": "POST",
     "path": "/is_spam", "body": {"message": "!!! 🎉🎉"}, "status": 200},
    {"name": "invalid", "title": "Every problem at once (422): an empty message, an unknown field, a message too long",
     "method": "POST", "path": "/is_spam",
     "body": [{"message": "", "sender": "0800-555-0199"}, {"message": LONG}],
     "status": 422,
     "issues": [("string_too_short", ["body", 0, "message"]), ("extra_forbidden", ["body", 0, "sender"]),
                ("string_too_long", ["body", 1, "message"])]},
    {"name": "explain", "title": "No explanations for a text pipeline (404)", "method": "POST",
     "path": "/is_spam/explain", "body": {"message": "Claim your free prize now"},
     "status": 404, "issues": [("explanation_unavailable", [])]},
]


if __name__ == "__main__":
    export(train())
    record(HERE, REQUESTS)
