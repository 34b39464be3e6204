"""Registers the test models that Tests/AugurStoreTests/MLflowClientTests.swift expects.

Run by scripts/mlflow-server.sh against a fresh `mlflow server` on 127.0.0.1 (MLFLOW_TRACKING_URI
set). Logs examples/loan/model.onnx twice with mlflow.onnx.log_model as registered model 'loan'
(versions 1 and 2), sets alias 'champion' -> 1; logs it once more under the name 'loan eu+1'
(a name that needs URL encoding: a '+' in a query string reads as a space); and logs a tiny
scikit-learn model with mlflow.sklearn as 'loan-sklearn', which Augur must refuse (no onnx
flavor); and registers the second loan version again as versions 1 and 2 of `o'brien "q"` and
of 'loan-reload' (whose aliases the hot-reload tests move; Tests/AugurServiceTests).
Nothing here is ever loaded back.
"""
import os
import sys
import warnings

warnings.filterwarnings("ignore")

import mlflow
import mlflow.onnx
import mlflow.sklearn
import onnx
from mlflow import MlflowClient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ONNX_PATH = os.path.join(ROOT, "examples", "loan", "model.onnx")
QUOTED = "o'brien \"q\""


def log_onnx(registered_name):
    model = onnx.load(ONNX_PATH)
    with mlflow.start_run():
        # save_as_external_data=False: MLflow's default moves tensors over 1 KB into side files,
        # which Augur refuses (it loads self-contained .onnx files only).
        # pip_requirements given: otherwise MLflow infers them by loading the model in a subprocess.
        info = mlflow.onnx.log_model(model, name="model", registered_model_name=registered_name,
                                     save_as_external_data=False, pip_requirements=["onnx", "onnxruntime"])
    return info


def log_sklearn(registered_name):
    from sklearn.linear_model import LogisticRegression
    model = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    with mlflow.start_run():
        mlflow.sklearn.log_model(model, name="model", registered_model_name=registered_name,
                                 pip_requirements=["scikit-learn"])


def main():
    if not os.environ.get("MLFLOW_TRACKING_URI", "").startswith("http://127.0.0.1:"):
        sys.exit("error: MLFLOW_TRACKING_URI must point at a local test server (http://127.0.0.1:PORT)")
    mlflow.set_experiment("augur-tests")
    log_onnx("loan")
    info = log_onnx("loan")
    log_onnx("loan eu+1")
    log_sklearn("loan-sklearn")
    client = MlflowClient()
    # Both quote characters: MLflow's search filter cannot quote this name, so `latest` takes
    # the get-latest-versions path. Two versions of the already logged model, nothing re-logged.
    client.create_registered_model(QUOTED)
    for _ in range(2):
        client.create_model_version(QUOTED, source=info.model_uri, run_id=info.run_id, model_id=info.model_id)
    # For the hot-reload tests, which move their own aliases: versions 1 and 2 of the same model.
    client.create_registered_model("loan-reload")
    for _ in range(2):
        client.create_model_version("loan-reload", source=info.model_uri, run_id=info.run_id, model_id=info.model_id)
    client.set_registered_model_alias("loan", "champion", "1")
    client.set_registered_model_alias("loan eu+1", "champion", "1")
    client.set_registered_model_alias("loan-sklearn", "champion", "1")
    print(f"registered: loan (1, 2, @champion=1), 'loan eu+1' (1), loan-sklearn (1, not onnx), {QUOTED!r} (1, 2), loan-reload (1, 2)")


if __name__ == "__main__":
    main()
