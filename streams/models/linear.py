"""Linear models as plain arrays: trained with scikit-learn, stored and applied as ``X @ coef + intercept``
followed by a calibrated softmax/sigmoid. No estimator object is ever persisted, so loading cannot run code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass
class LinearModel:
    """``coef``: [n_features, n_outputs] float32 (n_outputs = 1 for binary), ``intercept``: [n_outputs].
    Calibration: probabilities = softmax(temperature-scaled logits) (multiclass) or
    sigmoid(a * logit + b) (binary, Platt scaling fitted on out-of-fold scores)."""

    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]
    temperature: float = 1.0
    platt_a: float = 1.0
    platt_b: float = 0.0
    threshold: float = 0.5

    @property
    def binary(self) -> bool:
        return self.coef.shape[1] == 1

    def decision(self, x: sp.spmatrix | np.ndarray) -> np.ndarray:
        z = x @ self.coef
        return np.asarray(z, dtype=np.float64) + self.intercept

    def proba_from_decision(self, z: np.ndarray) -> np.ndarray:
        if self.binary:
            return _sigmoid(self.platt_a * z[:, 0] + self.platt_b)
        return _softmax(z / self.temperature)

    def predict_proba(self, x: sp.spmatrix | np.ndarray) -> np.ndarray:
        return self.proba_from_decision(self.decision(x))

    @classmethod
    def from_sklearn(cls, est, classes: tuple[str, ...]) -> LinearModel:
        coef = np.asarray(est.coef_, dtype=np.float32).T.copy()
        intercept = np.asarray(est.intercept_, dtype=np.float64).ravel()
        est_classes = [str(c) for c in est.classes_]
        if est_classes == [str(i) for i in range(len(classes))]:  # integer-coded targets, in ``classes`` order
            est_classes = list(classes)
        if coef.shape[1] == 1:  # binary: sklearn's positive class is classes_[1]
            if est_classes != list(classes):
                raise ValueError(f"class order {est_classes} != {classes}")
        else:
            order = [est_classes.index(c) for c in classes]
            coef = coef[:, order]
            intercept = intercept[order]
        return cls(coef=coef, intercept=intercept, classes=tuple(classes))

    # ---------------------------------------------------------------------------------------------- persistence
    def to_arrays(self, prefix: str) -> tuple[dict[str, np.ndarray], dict]:
        arrays = {f"{prefix}coef": self.coef.astype(np.float32), f"{prefix}intercept": self.intercept.astype(np.float64)}
        meta = {
            "classes": list(self.classes),
            "temperature": self.temperature,
            "platt_a": self.platt_a,
            "platt_b": self.platt_b,
            "threshold": self.threshold,
        }
        return arrays, meta

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], meta: dict, prefix: str) -> LinearModel:
        coef = np.asarray(arrays[f"{prefix}coef"], dtype=np.float32)
        intercept = np.asarray(arrays[f"{prefix}intercept"], dtype=np.float64)
        if coef.ndim != 2 or intercept.shape != (coef.shape[1],):
            raise ValueError("linear model arrays have inconsistent shapes")
        return cls(
            coef=coef,
            intercept=intercept,
            classes=tuple(meta["classes"]),
            temperature=float(meta["temperature"]),
            platt_a=float(meta["platt_a"]),
            platt_b=float(meta["platt_b"]),
            threshold=float(meta["threshold"]),
        )


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of out-of-fold logits (grid + refinement)."""

    def nll(t: float) -> float:
        p = _softmax(logits / t)
        return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))))

    grid = np.exp(np.linspace(np.log(0.2), np.log(5.0), 61))
    best = min(grid, key=nll)
    fine = np.linspace(best * 0.9, best * 1.1, 21)
    return float(min(fine, key=nll))


def fit_platt(scores: np.ndarray, y: np.ndarray, balanced: bool = False) -> tuple[float, float]:
    """Platt scaling (1-D logistic regression) of out-of-fold decision scores; ``balanced`` weighs both classes
    equally (probabilities under equal priors)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, max_iter=1000, class_weight="balanced" if balanced else None)
    lr.fit(scores.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])
