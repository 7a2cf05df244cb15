"""History matching in waves (Craig et al. 1997; Vernon, Goldstein & Bower 2010): rule out the
parameter sets whose emergent facts are implausibly far from their targets.

A target states an interval for a statistic (a direction is ``[low, inf)``, a size is
``low == high``), a tolerance and a model-discrepancy term. A parameter set's implausibility
for one target is

    I = distance(mean, [low, high]) / sqrt(tolerance^2 + discrepancy^2 + SE^2 + emulator var)

where SE is the replication standard error of the mean: noise widens the denominator instead
of deciding the verdict, as a significance test would. A set is non-implausible when its
largest I over the targets is below the cut-off (3 by default: by Pukelsheim's 3-sigma rule at
least 95% of any unimodal distribution lies within 3 standard deviations of its mean).

Each wave fits one Gaussian-process emulator per target (scikit-learn's
GaussianProcessRegressor; kernel constant x ARD RBF + WhiteKernel, the white term absorbing
seed noise and the inputs left out of the emulator) on the points run so far, keeps the
candidates of a large quasi-random set that every wave's emulators find non-implausible, and
draws the next wave's points uniformly from them. Candidates are points of the unit cube, and
the space maps them to parameter values (integers take every whole value of their range), so
a refocused region never pins an integer. After the last wave the ensemble is drawn from the
non-implausible region, run on two disjoint seed blocks, and judged on its simulated values
(no emulator): the plausible sets, with a test-retest figure (the verdicts of block A and
block B agree).

The driver :func:`history_match` takes an ``evaluate(stage, unit_points, blocks)`` callable,
so the same code runs a toy simulator in the tests and the model's stored, resumable tasks in
:mod:`cio_sim.explore.pipeline`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

#: Pukelsheim's 3-sigma rule (see the module docstring).
DEFAULT_CUTOFF = 3.0


@dataclass(frozen=True)
class Target:
    """One calibration (or held-out) fact as a target with tolerances."""

    name: str
    low: float = -math.inf
    high: float = math.inf
    tolerance: float = 0.0
    discrepancy: float = 0.0

    def distance(self, mean: np.ndarray) -> np.ndarray:
        """How far the mean lies outside [low, high] (0 inside; NaN stays NaN)."""
        m = np.asarray(mean, dtype=float)
        with np.errstate(invalid="ignore"):
            return np.maximum(self.low - m, 0.0) + np.maximum(m - self.high, 0.0)

    def implausibility(self, mean: np.ndarray, variance: np.ndarray | float = 0.0
                       ) -> np.ndarray:
        """I = distance / sqrt(tolerance^2 + discrepancy^2 + variance); a missing mean is
        implausible (inf): the statistic could not be measured."""
        scale = np.sqrt(self.tolerance ** 2 + self.discrepancy ** 2
                        + np.maximum(np.asarray(variance, dtype=float), 0.0))
        d = self.distance(mean)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(d == 0.0, 0.0, d / scale)
        return np.where(np.isnan(out), np.inf, out)


@dataclass
class Evaluated:
    """Simulated points: unit-cube inputs and, per target, one value per replication
    (``blocks`` disjoint seed blocks of equal size, block A first)."""

    unit: np.ndarray
    values: Mapping[str, np.ndarray]     # name -> (points, replications), NaN = missing
    blocks: int = 1

    def mean(self, name: str, block: int | None = None) -> np.ndarray:
        v = self._block(name, block)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmean(v, axis=1)

    def se2(self, name: str, block: int | None = None) -> np.ndarray:
        """Squared standard error of the mean over the finite replications (inf with
        fewer than two)."""
        v = self._block(name, block)
        n = np.isfinite(v).sum(axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            var = np.nanvar(v, axis=1, ddof=1)
        return np.where(n >= 2, var / np.maximum(n, 1), np.inf)

    def _block(self, name: str, block: int | None) -> np.ndarray:
        v = np.asarray(self.values[name], dtype=float)
        if block is None:
            return v
        size = v.shape[1] // self.blocks
        return v[:, block * size:(block + 1) * size]


def implausibility(targets: Sequence[Target], ev: Evaluated, block: int | None = None
                   ) -> np.ndarray:
    """(points, targets) implausibility of simulated points, from their means and SEs."""
    return np.column_stack([t.implausibility(ev.mean(t.name, block), ev.se2(t.name, block))
                            for t in targets]) if targets else np.zeros((len(ev.unit), 0))


@dataclass
class Emulator:
    """A Gaussian process per target over the ``active`` inputs of the unit cube."""

    models: dict[str, object]
    active: dict[str, list[int]]

    def predict(self, x: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per target: predicted mean and variance (the white-noise term included, so the
        variance covers seed noise of a mean over as many replications as in training)."""
        out = {}
        for name, gp in self.models.items():
            mean, sd = gp.predict(x[:, self.active[name]], return_std=True)  # type: ignore
            out[name] = (np.asarray(mean), np.asarray(sd) ** 2)
        return out


def active_inputs(x: np.ndarray, y: np.ndarray, k: int) -> list[int]:
    """The ``k`` inputs with the largest absolute rank correlation with ``y`` (the active
    variables of the emulator; the others act through its noise term)."""
    from scipy import stats

    if x.shape[1] <= k:
        return list(range(x.shape[1]))
    score = []
    for j in range(x.shape[1]):
        rho = stats.spearmanr(x[:, j], y).statistic if np.ptp(x[:, j]) > 0 else 0.0
        score.append(0.0 if not np.isfinite(rho) else abs(float(rho)))
    order = sorted(range(x.shape[1]), key=lambda j: (-score[j], j))
    return sorted(order[:k])


def fit_emulator(ev: Evaluated | Sequence[Evaluated], targets: Sequence[Target], active: int,
                 seed: int) -> Emulator:
    """Fit one GP per target to the means of the simulated points (all waves so far)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    evs = [ev] if isinstance(ev, Evaluated) else list(ev)
    x_all = np.vstack([e.unit for e in evs])
    models, chosen = {}, {}
    for t in targets:
        y_all = np.concatenate([e.mean(t.name) for e in evs])
        ok = np.isfinite(y_all)
        x, y = x_all[ok], y_all[ok]
        if len(y) < 3:
            raise ValueError(f"target {t.name}: fewer than 3 points with a value to emulate")
        idx = active_inputs(x, y, active)
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(
            length_scale=np.full(len(idx), 0.5), length_scale_bounds=(0.05, 100.0)) \
            + WhiteKernel(0.1, (1e-6, 1.0))
        gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=2,
                                      random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gp.fit(x[:, idx], y)
        models[t.name], chosen[t.name] = gp, idx
    return Emulator(models, chosen)


def emulated_implausibility(emulator: Emulator, targets: Sequence[Target], x: np.ndarray
                            ) -> np.ndarray:
    """Largest implausibility over the targets of candidate points, by the emulator."""
    pred = emulator.predict(x)
    cols = [t.implausibility(pred[t.name][0], pred[t.name][1]) for t in targets]
    return np.max(np.column_stack(cols), axis=1)


def candidates(dim: int, n: int, seed: int, wave: int) -> np.ndarray:
    """``n`` scrambled-Sobol points of the unit cube, a fresh sequence per wave."""
    from scipy.stats import qmc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rng = np.random.default_rng([seed, 7919, wave])
        return qmc.Sobol(d=dim, scramble=True, seed=rng).random(n)


def non_implausible(x: np.ndarray, emulators: Sequence[Emulator], targets: Sequence[Target],
                    cutoff: float) -> np.ndarray:
    """Mask of the points every wave's emulator finds non-implausible."""
    keep = np.ones(len(x), dtype=bool)
    for em in emulators:
        if keep.any():
            keep[keep] = emulated_implausibility(em, targets, x[keep]) < cutoff
    return keep


def draw(region: np.ndarray, n: int, seed: int, wave: int) -> np.ndarray:
    """``n`` of the region's points, uniformly without replacement (all when fewer), as a
    prefix of one random order of the region: a larger ``n`` keeps the first ``n`` points
    and their order, so a larger ensemble extends a stored one."""
    rng = np.random.default_rng([seed, 104729, wave])
    return region[rng.permutation(len(region))[:n]]


@dataclass
class Config:
    """How many waves and points; see docs/exploration.md for the study's values."""

    waves: int = 3
    points_per_wave: int = 60
    candidates: int = 20_000
    ensemble: int = 300
    cutoff: float = DEFAULT_CUTOFF
    active: int = 8


@dataclass
class Result:
    """Waves run, the final sample and its verdicts."""

    waves: list[Evaluated] = field(default_factory=list)
    #: Share of each wave's candidates non-implausible before it was drawn (1.0 for wave 1).
    region_share: list[float] = field(default_factory=list)
    final: Evaluated | None = None
    plausible: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    implausibility: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    verdict_a: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    verdict_b: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def test_retest(self) -> float:
        """Share of the final sample whose verdicts on seed block A and block B agree."""
        if not len(self.verdict_a):
            return math.nan
        return float(np.mean(self.verdict_a == self.verdict_b))


Evaluate = Callable[[str, np.ndarray, int], Evaluated]


def history_match(evaluate: Evaluate, dim: int, targets: Sequence[Target], cfg: Config,
                  seed: int, snap: Callable[[np.ndarray], np.ndarray] | None = None
                  ) -> Result:
    """Run the waves, then the two-block ensemble. ``evaluate(stage, unit_points, blocks)``
    simulates the points (``blocks`` seed blocks) and returns them as :class:`Evaluated`;
    ``snap`` moves candidates to the unit value the emulator sees (integers: the centre of
    their whole number's cell, :meth:`cio_sim.explore.space.Space.snap`)."""
    res = Result()
    emulators: list[Emulator] = []
    for wave in range(1, cfg.waves + 1):
        pts, share = _next_points(dim, emulators, targets, cfg, seed, wave,
                                  cfg.points_per_wave, snap)
        res.region_share.append(share)
        if not len(pts):
            break
        ev = evaluate(f"wave{wave}", pts, 1)
        res.waves.append(ev)
        emulators.append(fit_emulator(res.waves, targets, cfg.active, seed))
    pts, share = _next_points(dim, emulators, targets, cfg, seed, cfg.waves + 1, cfg.ensemble,
                              snap)
    res.region_share.append(share)
    if not len(pts):
        return res
    final = evaluate("ensemble", pts, 2)
    res.final = final
    res.implausibility = implausibility(targets, final)
    res.plausible = np.max(res.implausibility, axis=1, initial=0.0) < cfg.cutoff
    res.verdict_a = np.max(implausibility(targets, final, 0), axis=1, initial=0.0) < cfg.cutoff
    res.verdict_b = np.max(implausibility(targets, final, 1), axis=1, initial=0.0) < cfg.cutoff
    return res


def _next_points(dim: int, emulators: list[Emulator], targets: Sequence[Target], cfg: Config,
                 seed: int, wave: int, n: int,
                 snap: Callable[[np.ndarray], np.ndarray] | None = None
                 ) -> tuple[np.ndarray, float]:
    cand = candidates(dim, cfg.candidates, seed, wave)
    if snap is not None:
        cand = snap(cand)
    keep = non_implausible(cand, emulators, targets, cfg.cutoff)
    return draw(cand[keep], n, seed, wave), float(keep.mean())
