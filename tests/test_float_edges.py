"""Answers at the edges of floating point, each worked out here independently (exact fractions,
mpmath or the closed form): the right value typed is graded right, a wrong one wrong. Cancellation
residue must not become the key (an arm that closes on itself ends at 0, not at 1e-16), and a key
must not be rounded to a fixed number of decimals (rewards of 1e-12 keep their digits)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import pytest

from mpcheck.host import plugins
from mpcheck.problem import Problem


def graded(generator_id: str, params: dict, answer) -> bool:
    problem = Problem.from_params(plugins.registry().generators[generator_id], params)
    text = answer if isinstance(answer, str) else json.dumps(answer)
    return problem.check(text).correct


def exact_jsd(p, q):
    with mpmath.workdps(60):
        total = mpmath.mpf(0)
        for a, b in zip(map(mpmath.mpf, p), map(mpmath.mpf, q)):
            m = (a + b) / 2
            total += (a * mpmath.log(a / m) if a else 0) / 2 + (b * mpmath.log(b / m) if b else 0) / 2
        return float(total)


def exact_cycle_loss(p):
    # λ (mean_x |F(G(x)) − x| + mean_y |G(F(y)) − y|) in fractions of the decimals as written
    d = lambda v: Fraction(repr(float(v)))  # noqa: E731
    apply = lambda m, v: d(m[0]) * v + d(m[1])  # noqa: E731
    forward = [abs(apply(p["F"], apply(p["G"], d(x))) - d(x)) for x in p["x"]]
    backward = [abs(apply(p["G"], apply(p["F"], d(y))) - d(y)) for y in p["y"]]
    return float(d(p["lam"]) * (sum(forward) / len(forward) + sum(backward) / len(backward)))


TINY_CYCLE = {"x": [-0.5e-13, 1.5e-13], "y": [0.9e-13], "G": [1.5, -0.4e-13], "F": [2.0, 0.0], "lam": 5.0}


def one_minus_alpha_bar(betas):
    with mpmath.workdps(60):
        return float(1 - mpmath.fprod(1 - mpmath.mpf(b) for b in betas))


RIGHT = [
    # forward kinematics around a closed triangle ends at the root exactly
    ("body.forward-kinematics", {"lengths": [1, 1], "angles": [0, 180]}, [0, 0]),
    ("body.forward-kinematics", {"lengths": [1, 1, 1], "angles": [0, 120, 120]}, [0, 0]),
    # x_t = 0.8·(−1.5) + 0.6·2 = 0 (cancellation in floats leaves −2.2e-16)
    ("diffusion.noisy-sample", {"x0": [-1.5], "eps": [2.0], "alpha_bar": 0.64}, [0]),
    # 1 − ᾱ with tiny β: −expm1(Σ log1p(−β)), not 1 − Π(1 − β)
    ("diffusion.forward-marginal", {"x0": [2.0], "betas": [1e-12] * 4},
     {"mean": json.dumps([2 * math.sqrt((1 - 1e-12) ** 4)]), "variance": repr(one_minus_alpha_bar([1e-12] * 4))}),
    ("diffusion.posterior", {"x0": [1], "xt": [2], "betas": [1e-12, 1e-12]},
     {"mean": "[1.5]", "variance": repr(1e-12 * one_minus_alpha_bar([1e-12]) / one_minus_alpha_bar([1e-12] * 2))}),
    # the mean term of FID is exact, however small beside the traces
    ("gan.fid", {"mu1": [0], "mu2": [0.001], "sigma1": [[1e6]], "sigma2": [[1e6]]}, "1e-6"),
    ("gan.jsd", {"p": [0.5, 0.5], "q": [0.500000001, 0.499999999]}, repr(exact_jsd([0.5, 0.5], [0.500000001, 0.499999999]))),
    ("gan.jsd", {"p": [0.3, 0.7], "q": [0.3000001, 0.6999999]}, repr(exact_jsd([0.3, 0.7], [0.3000001, 0.6999999]))),
    # data of size 1e-13 keep their digits (the maps were rounded to 12 decimals)
    ("gan.cycle-loss", TINY_CYCLE, repr(exact_cycle_loss(TINY_CYCLE))),
    # σ(30) − 1 = −σ(−30)
    ("gan.generator-gradient", {"logit": 30},
     {"saturating": repr(-1 / (1 + math.exp(-30))), "non_saturating": repr(-1 / (1 + math.exp(30)))}),
    # rl keys keep the digits of small rewards
    ("rl.discounted-return", {"rewards": [1.5e-12], "gamma": 0.9, "t": 0}, "1.5e-12"),
    ("rl.td0-update", {"V": [0, 0], "s": 0, "r": 1e-6, "s_next": 1, "alpha": 1e-7, "gamma": 0.9, "terminal": False}, "1e-13"),
    ("rl.dqn-target", {"q_sa": 1e-7, "r": 0, "gamma": 0.9, "terminal": True, "q_next_target": [0], "q_next_online": [0]},
     {"target": "0", "loss": "1e-14"}),
    ("rl.value-iteration", {"P": [[[1.0]]], "R": [[1.5e-12]], "gamma": 0.9, "V0": [0], "iterations": 1}, [1.5e-12]),
    # 0.1 + 0.2 − 0.3 is 0, not its float residue
    ("rl.discounted-return", {"rewards": [0.1, 0.2, -0.3], "gamma": 1, "t": 0}, "0"),
    # values as typed tie only when equal: 5e-10 beats 0
    ("rl.epsilon-greedy", {"q": [5e-10, 0, -1], "epsilon": 0.1}, [0.1 / 3 + 0.9, 0.1 / 3, 0.1 / 3]),
    # entering the terminal cell is worth 1e-9 more than staying: → at s₁, not a tie
    ("rl.greedy-policy", {"grid": {"layout": ["..T"], "terminal_rewards": [1e-9], "slip": 0.0, "step_reward": 0.0},
                          "gamma": 1.0, "V": [0, 0, 0]}, "R R ."),
    # log(1 − 1e-20) is −1e-20, not log(1.0) = 0
    ("ml.bce", {"y": [0], "y_hat": [1e-20]}, "1e-20"),
]

WRONG = [
    ("rl.greedy-policy", {"grid": {"layout": ["..T"], "terminal_rewards": [1e-9], "slip": 0.0, "step_reward": 0.0},
                          "gamma": 1.0, "V": [0, 0, 0]}, "R L ."),
    ("rl.epsilon-greedy", {"q": [5e-10, 0, -1], "epsilon": 0.1}, [0.9 / 2 + 0.1 / 3, 0.9 / 2 + 0.1 / 3, 0.1 / 3]),
    ("gan.fid", {"mu1": [0], "mu2": [0.001], "sigma1": [[1e6]], "sigma2": [[1e6]]}, "0"),
    ("rl.discounted-return", {"rewards": [1.5e-12], "gamma": 0.9, "t": 0}, "2e-12"),
]


@pytest.mark.parametrize(("generator_id", "params", "answer"), RIGHT, ids=[c[0] for c in RIGHT])
def test_the_right_value_is_graded_right(generator_id, params, answer):
    assert graded(generator_id, params, answer)


@pytest.mark.parametrize(("generator_id", "params", "answer"), WRONG, ids=[c[0] for c in WRONG])
def test_a_wrong_value_is_graded_wrong(generator_id, params, answer):
    assert not graded(generator_id, params, answer)


def test_fid_names_the_product_of_roots():
    # Tr(Σ₁^½ Σ₂^½) for covariances that do not commute: the root of a product is not the product of roots
    import numpy as np
    from scipy.linalg import sqrtm

    s1, s2 = np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([[3.0, 0.0], [0.0, 1.0]])
    right = 4 + np.trace(s1 + s2 - 2 * sqrtm(s1 @ s2).real)
    slip = 4 + np.trace(s1 + s2 - 2 * sqrtm(s1).real @ sqrtm(s2).real)
    problem = Problem.from_params(plugins.registry().generators["gan.fid"],
                                  {"mu1": [0, 0], "mu2": [2, 0], "sigma1": s1.tolist(), "sigma2": s2.tolist()})
    assert math.isclose(problem.answer, right, rel_tol=1e-9)
    verdict = problem.check(repr(float(slip)))
    assert not verdict.correct and verdict.mistake == "product-of-roots"


def test_a_schedule_whose_alpha_bar_underflows_is_refused():
    from mpcheck.errors import ParamsError

    with pytest.raises(ParamsError, match="below 1e-300"):
        Problem.from_params(plugins.registry().generators["diffusion.alpha-bar"],
                            {"schedule": "linear", "beta_start": 1e-4, "beta_end": 0.02, "T": 100000, "t": 100000})


def test_a_shape_space_vertex_has_three_coordinates():
    from mpcheck.errors import ParamsError

    with pytest.raises(ParamsError, match="3 entries"):
        Problem.from_params(plugins.registry().generators["body.shape-blend"],
                            {"mean": [0.1, 0.2], "directions": [[0.1, 0.2]], "betas": [-1]})
